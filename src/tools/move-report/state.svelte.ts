import { Job } from '../../lib/ui/job.svelte.ts';
import type { DroppedFile } from '../../lib/browser/dropped.ts';
import { MoveTable, type PackedReport } from './pack.ts';
import type { MoveReportJob } from './worker.ts';
import MoveReportWorker from './worker.ts?worker';

export type MoveTab = 'summary' | 'batches' | 'mailboxes' | 'health' | 'failures' | 'bad-items';
/** The filters the seed scripts offer, plus everything. */
export type StatusFilter = 'all' | 'Completed' | 'Synced' | 'InProgress' | 'Failed' | 'Suspended';

/**
 * The view's state: the two files, the report from the worker (moves packed into columns, read through a
 * MoveTable), the open tab, the mailbox filter and the mailbox whose detail is open.
 */
export class MoveReportState {
  movesFile = $state.raw<File | undefined>(undefined);
  badItemsFile = $state.raw<File | undefined>(undefined);
  report = $state.raw<PackedReport | undefined>(undefined);
  table = $state.raw<MoveTable | undefined>(undefined);
  tab = $state<MoveTab>('summary');
  filter = $state<StatusFilter>('all');
  /** Index of the move whose detail is shown. */
  selected = $state<number | undefined>(undefined);
  /** `;` for Excel in cultures whose list separator it is. */
  delimiter = $state<',' | ';'>(',');
  readonly job: Job<MoveReportJob, PackedReport>;

  /** `createWorker` is for tests, which run the worker in-process. */
  constructor(createWorker: () => Worker = () => new MoveReportWorker()) {
    this.job = new Job<MoveReportJob, PackedReport>(createWorker);
  }

  get isRunning() {
    return this.job.isRunning;
  }

  async setMoves(files: DroppedFile[]): Promise<void> {
    const f = files[0];
    if (!f) return;
    this.movesFile = f.file;
    await this.run();
  }

  async setBadItems(files: DroppedFile[]): Promise<void> {
    const f = files[0];
    if (!f) return;
    this.badItemsFile = f.file;
    if (this.movesFile) await this.run();
  }

  async run(): Promise<void> {
    const moves = this.movesFile;
    if (!moves) return;
    const bad = this.badItemsFile;
    this.selected = undefined;
    const result = await this.job.run({
      moves: { name: moves.name, file: moves },
      ...(bad ? { badItems: { name: bad.name, file: bad } } : {}),
    });
    if (result) {
      this.report = result;
      this.table = new MoveTable(result.packed, result.stallColumns);
    } else if (this.job.status === 'failed') {
      // An unusable moves file replaces the report with its reason: never the old report under a new file name.
      this.report = undefined;
      this.table = undefined;
    }
  }

  open(index: number): void {
    this.selected = index;
    this.tab = 'mailboxes';
  }

  showMailboxes(filter: StatusFilter): void {
    this.filter = filter;
    this.selected = undefined;
    this.tab = 'mailboxes';
  }

  /** Stops the run; the files and the report of the last finished run stay. */
  cancel(): void {
    this.job.cancel();
  }

  clear(): void {
    this.job.reset();
    this.movesFile = undefined;
    this.badItemsFile = undefined;
    this.report = undefined;
    this.table = undefined;
    this.selected = undefined;
    this.filter = 'all';
    this.tab = 'summary';
  }

  dispose(): void {
    this.job.dispose();
  }
}
