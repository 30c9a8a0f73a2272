import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { readIdColumn, PackedValues, convertAll, summarise } from './bulk.ts';
import { SAMPLE_USERS, sampleFile } from './sample.ts';

describe('sample data', () => {
  it('is a Get-ADUser export, labelled as sample, whose ObjectGUID column converts with no invalid value', async () => {
    const f = sampleFile();
    expect(f.name.startsWith('sample-')).toBe(true);
    const col = readIdColumn(f.name, new Uint8Array(await f.arrayBuffer()), readCsv);
    expect(col.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(col.headers[col.column]).toBe('ObjectGUID');
    expect(col.rows).toBe(SAMPLE_USERS);
    const values = new PackedValues(col.text, col.ends);
    const s = summarise(await convertAll(Array.from({ length: values.length }, (_, i) => values.at(i)!)));
    expect(s).toMatchObject({ values: SAMPLE_USERS, ids: SAMPLE_USERS, invalid: 0 });
  });
});
