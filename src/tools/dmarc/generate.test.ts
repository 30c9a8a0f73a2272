import { describe, expect, it } from 'vitest';
import { analyse } from './core.ts';
import { generateReports } from './generate.ts';

describe('generated reports (the benchmark set) read back to the model’s totals', () => {
  it('200 reports in zip, gzip and plain XML', async () => {
    const set = generateReports({ reports: 200, seed: 7 });
    const r = await analyse(set.files);
    expect(r.files.every((f) => f.status === 'ok')).toBe(true);
    expect(r.totals).toMatchObject({
      reports: set.expected.reports,
      duplicates: 0,
      records: set.expected.records,
      messages: set.expected.messages,
      dmarcPass: set.expected.dmarcPass,
    });
  });
});
