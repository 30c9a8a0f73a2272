import { Job } from '../../lib/ui/job.svelte.ts';
import type { DroppedFile } from '../../lib/browser/dropped.ts';
import { fileAtPath, type HandleLike } from '../../lib/files/handles.ts';
import type { DmarcSummary, ReportRef } from './core.ts';
import { groupEnd } from './file-feed.ts';
import type { ExportFormat } from './exports.ts';
import type { DmarcJob, DmarcJobResult } from './worker.ts';
import type { DmarcRecord } from './types.ts';
import DmarcWorker from './worker.ts?worker';

/** Posting a slice of handles should take the page no longer than this, ms. */
const SLICE_MS = 20;

/** Gives the page its turn between two slices: scheduler.yield where Chromium has it, else a message. */
function yieldToPage(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (s?.yield) return s.yield();
  return new Promise((resolve) => {
    const c = new MessageChannel();
    c.port1.onmessage = () => resolve();
    c.port2.postMessage(null);
  });
}

export type DmarcTab =
  | 'overview'
  | 'senders'
  | 'domains'
  | 'reporters'
  | 'countries'
  | 'failing'
  | 'failure-reports'
  | 'tls'
  | 'files';

/**
 * The view's state: every file given so far (adding more re-runs on the union), the summary of the last analysis,
 * the open tab and sender. Records and exports are asked of the worker that holds the full result; the raw XML of
 * a report is read again from its file by a second worker, so the page never holds copies of the XML.
 */
export class DmarcState {
  files = $state.raw<Map<string, File>>(new Map());
  /** Folders and files picked or dropped as handles (File System Access API): the worker lists and reads them. */
  handles = $state.raw<FileSystemHandle[]>([]);
  #listed = $state(0);
  summary = $state.raw<DmarcSummary | undefined>(undefined);
  /** True while files are being read (records and exports are side requests to the same worker). */
  isAnalysing = $state(false);
  /** Wall time of the last analysis, ms. */
  elapsed = $state(0);
  tab = $state<DmarcTab>('overview');
  sender = $state<number | undefined>(undefined);
  records = $state.raw<
    { sender: number; rows: DmarcRecord[]; reports: Record<number, ReportRef> } | undefined
  >(undefined);
  raw = $state.raw<{ source: string; text: string | undefined } | undefined>(undefined);
  readonly job = new Job<DmarcJob, DmarcJobResult>(() => new DmarcWorker());
  readonly rawJob = new Job<DmarcJob, DmarcJobResult>(() => new DmarcWorker());
  #batch = 0;

  /** Files given so far, those under handles included once the worker has listed them. */
  get fileCount(): number {
    return Math.max(this.files.size, this.isAnalysing ? this.job.progress.total : 0, this.#listed);
  }

  /** Adds files and handles (a path or name given twice is replaced) and analyses the whole set again. */
  async run(dropped: DroppedFile[], handles: FileSystemHandle[] = []): Promise<void> {
    const next = new Map(this.files);
    for (const d of dropped) next.set(d.path || d.file.name, d.file);
    this.files = next;
    if (handles.length)
      this.handles = [
        ...this.handles.filter((h) => !handles.some((n) => n.name === h.name && n.kind === h.kind)),
        ...handles,
      ];
    this.sender = undefined;
    this.records = undefined;
    this.raw = undefined;
    this.isAnalysing = true;
    const batch = ++this.#batch;
    try {
      // The names go first and the run starts at once; the handles follow in slices (see worker.ts), each
      // posted in its own task, while the worker already reads the first ones.
      const running = this.job.run({
        kind: 'analyse',
        batch,
        names: [...next.keys()],
        handles: this.handles,
      });
      void this.#stage(batch, [...next.values()]);
      const r = await running;
      if (r?.kind === 'summary') {
        this.summary = r.summary;
        this.elapsed = this.job.elapsed;
        this.#listed = this.job.progress.total;
        // A sender opened during the run was one of the previous result's.
        this.sender = undefined;
        this.records = undefined;
        this.raw = undefined;
      }
    } finally {
      if (batch === this.#batch) this.isAnalysing = false;
    }
  }

  /**
   * Posts the Files of one drop as group Blobs (a few MB or up to 128 files each), each made and posted in its own
   * task: the worker reads a group in one round trip without building it, and the page posts one handle instead of
   * a hundred (a File from disk costs a fraction of a millisecond to post the first time). Groups shrink when
   * making one takes longer than SLICE_MS.
   */
  async #stage(batch: number, files: File[]): Promise<void> {
    let most = 128;
    for (let start = 0; start < files.length;) {
      if (batch !== this.#batch || !this.job.isRunning) return;
      const end = groupEnd(files, start, most);
      const slice = files.slice(start, end);
      const t = performance.now();
      const group = new Blob(slice);
      // No need to wait for the answer: messages arrive in order, and the run ends with the last file.
      this.job
        .request({ kind: 'stage', batch, start, group, sizes: slice.map((f) => f.size) })
        .catch(() => undefined);
      const ms = performance.now() - t;
      start = end;
      most = ms > SLICE_MS ? Math.max(8, most >> 1) : ms < SLICE_MS / 4 ? Math.min(128, most * 2) : most;
      await yieldToPage();
    }
  }

  /** Stops the analysis: the files stay, the previous result (if any) stays on screen. */
  cancel(): void {
    this.#batch++;
    this.job.cancel();
    this.isAnalysing = false;
  }

  clear(): void {
    this.#batch++;
    this.job.reset();
    this.rawJob.reset();
    this.files = new Map();
    this.handles = [];
    this.#listed = 0;
    this.summary = undefined;
    this.sender = undefined;
    this.records = undefined;
    this.raw = undefined;
    this.tab = 'overview';
  }

  async openSender(id: number): Promise<void> {
    this.sender = id;
    this.raw = undefined;
    this.tab = 'senders';
    if (this.records?.sender === id) return;
    this.records = undefined;
    const summary = this.summary;
    // A side request: a drill-down during a re-analysis must not cancel it.
    const r = await this.job.request({ kind: 'records', sender: id });
    if (r?.kind === 'records' && this.sender === id && this.summary === summary)
      this.records = { sender: id, rows: r.records, reports: r.reports };
  }

  /** Built in the worker, where the records are; the page only receives the text. */
  async export(format: ExportFormat): Promise<string> {
    const r = await this.job.request({ kind: 'export', format });
    return r?.kind === 'export' ? r.text : '';
  }

  /** The raw XML of the report a record came from, read again from its input file. */
  async showRaw(record: DmarcRecord): Promise<void> {
    const report = this.records?.reports[record.report];
    const file =
      report &&
      (this.files.get(report.input) ??
        (await fileAtPath(this.handles as unknown as HandleLike[], report.input)));
    if (!report || !file) return;
    this.raw = { source: report.source, text: undefined };
    const r = await this.rawJob.run({ kind: 'raw', name: report.input, file, source: report.source });
    if (r?.kind === 'raw' && this.raw?.source === report.source)
      this.raw = { source: report.source, text: r.text ?? '' };
  }

  dispose(): void {
    this.job.dispose();
    this.rawJob.dispose();
  }
}
