import { readCsv } from '../../lib/csv/read.ts';
import type { Issue } from '../../lib/issue.ts';
import { serve } from '../../lib/worker/serve.ts';
import { readIdColumn, type IdColumn } from './bulk.ts';

/** The file goes as a Blob and only one column comes back, packed: the page never holds the table. */
export interface IdColumnJob {
  name: string;
  file: Blob;
  /** The column to read; the guessed ID column when absent. */
  column?: number;
}

serve<IdColumnJob, IdColumn>(
  async ({ name, file, column }) => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      // Moved or deleted since it was dropped, or a folder: the user's file, not our bug.
      const message = `${name} could not be read: ${e instanceof Error ? e.message : String(e)}`;
      const issues: Issue[] = [{ code: 'unreadable', severity: 'error', file: name, message }];
      return { name, headers: [], rows: 0, column: -1, issues, text: '', ends: new Uint32Array() };
    }
    return readIdColumn(name, bytes, readCsv, column);
  },
  undefined,
  (result) => [result.ends.buffer],
);
