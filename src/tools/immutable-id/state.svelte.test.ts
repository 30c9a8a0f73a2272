import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { workerFactory } from '../../../tests/support/in-process-worker.ts';
import { PackedValues, readIdColumn } from './bulk.ts';
import { ImmutableIdState } from './state.svelte.ts';
import type { IdColumnJob } from './worker.ts';

/** The page state with the column reader run in-process, as worker.ts serves it. */
function setup() {
  const factory = workerFactory(async ({ name, file, column }: IdColumnJob) =>
    readIdColumn(name, new Uint8Array(await file.arrayBuffer()), readCsv, column),
  );
  return { state: new ImmutableIdState(factory.create), started: factory.started };
}

const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';

describe('ImmutableIdState', () => {
  it('converts a dropped column read in the worker; dispose ends that worker', async () => {
    const { state, started } = setup();
    const csv = new File([`Name,ObjectGUID\nAda,${GUID}\nBob,JC2LdB0sEUucPB2eXYo7Dw==\n`], 'users.csv');
    const col = await state.readColumn({ name: 'users.csv', file: csv }, new AbortController().signal);
    expect(col.headers[col.column]).toBe('ObjectGUID');
    await state.run(new PackedValues(col.text, col.ends), 'users.csv, column “ObjectGUID”');
    expect(state.bulk.summary).toMatchObject({ values: 2, ids: 2 });
    expect(state.source).toBe('users.csv, column “ObjectGUID”');
    state.dispose();
    expect(started.map((w) => w.isTerminated)).toEqual([true]);
  });

  it('an empty list clears the results; clear forgets the source too', async () => {
    const { state } = setup();
    await state.run([GUID], '1 pasted value');
    expect(state.bulk.rows.length).toBe(1);
    await state.run([], '0 pasted values');
    expect(state.bulk.rows.length).toBe(0);
    expect(state.source).toBe('0 pasted values');
    await state.run([GUID], '1 pasted value');
    state.clear();
    expect(state.bulk.rows.length).toBe(0);
    expect(state.source).toBe('');
  });

  it('cancel stops a long conversion: the results before it stay, progress goes', async () => {
    const { state } = setup();
    await state.run([GUID], '1 pasted value');
    const running = state.run(
      Array.from({ length: 50_000 }, () => GUID),
      '50,000 pasted values',
    );
    expect(state.bulk.progress).toEqual({ done: 0, total: 50_000 });
    state.cancel();
    await running;
    expect(state.bulk.progress).toBeUndefined();
    expect(state.bulk.summary.values).toBe(1);
    expect(state.bulk.rows.length).toBe(1);
  });
});
