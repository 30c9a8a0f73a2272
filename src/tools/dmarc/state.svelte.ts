import { Job } from '../../lib/ui/job.svelte.ts';
import type { DroppedFile } from '../../lib/browser/dropped.ts';
import { fileAtPath, listHandles, type HandleLike } from '../../lib/files/handles.ts';
import type { DmarcSummary, ReportRef } from './core.ts';
import type { ExportFormat } from './exports.ts';
import type { DmarcJob, DmarcJobResult } from './worker.ts';
import type { DmarcRecord } from './types.ts';
import DmarcWorker from './worker.ts?worker';

/** Making and posting one group of files should take the page no longer than this, ms. */
const SLICE_MS = 20;
/** A group is posted once it holds this many bytes (or `most` files). */
const GROUP_BYTES = 4 * 2 ** 20;
/** Files behind handles being opened at once. */
const OPEN_AHEAD = 64;
/** Groups posted beyond those the worker has started reading. */
const POST_AHEAD = 2;

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
  /** Folders and files picked or dropped as handles (File System Access API), listed again at each run. */
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

  #prepared = false;
  /**
   * When the user starts to give reports (a drag enters the drop zone, a picker button is pressed): the worker
   * fetches and decodes the IP table now, while the files are dragged or picked, rather than beside the parse of
   * the first drop (≈ 1.5 MB fetched and ≈ 45 ms of decoding in the parsing thread). Not on opening the tool: a
   * visitor who only looks does not download it.
   */
  prepare(): void {
    if (this.#prepared) return;
    this.#prepared = true;
    void this.job.request({ kind: 'prepare' }).catch(() => (this.#prepared = false));
  }

  /** Files given so far, those under handles included once they have been listed. */
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
      // Handles are listed here, in short tasks (a folder of thousands in about 0.1 s), and their files opened and
      // grouped here too: that is ≈ 0.15 ms a file of work that would otherwise come out of the parser's time.
      const listed = this.handles.length ? await listHandles(this.handles as unknown as HandleLike[]) : [];
      if (batch !== this.#batch) return;
      // The names go first and the run starts at once; the files follow in groups (see worker.ts), each made and
      // posted in its own task, while the worker already reads the first ones.
      const running = this.job.run({
        kind: 'analyse',
        batch,
        names: [...next.keys(), ...listed.map((l) => l.path)],
      });
      const files = [...next.values()];
      void this.#stage(batch, files.length + listed.length, (i) =>
        i < files.length ? files[i]! : listed[i - files.length]!.handle.getFile(),
      );
      const r = await running;
      if (r?.kind === 'summary') {
        this.summary = r.summary;
        this.elapsed = this.job.elapsed;
        this.#listed = files.length + listed.length;
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
   * Posts the files of one run as group Blobs of consecutive files (a few MB or up to 128 files each), each made
   * and posted in its own task: the worker reads a group in one round trip without building it, and the page posts
   * one handle instead of a hundred (a File from disk costs a fraction of a millisecond to post the first time).
   * Groups start small, so the worker starts at once, and shrink when making one takes longer than SLICE_MS.
   * The page keeps only POST_AHEAD groups beyond those the worker is reading (it answers a group once it starts
   * reading it): making a group costs the browser too, and made all at once they held up the worker's first reads.
   * A file behind a handle is opened here, OPEN_AHEAD at a time; one that cannot be opened is posted as empty with
   * the reason, and the worker reports it by name.
   */
  async #stage(batch: number, count: number, file: (i: number) => Blob | Promise<Blob>): Promise<void> {
    const opened: (Promise<Blob | Error> | undefined)[] = [];
    const open = (i: number) =>
      Promise.resolve()
        .then(() => file(i))
        .catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
    let ahead = 0;
    let most = 16;
    let group: Blob[] = [];
    let failures: [number, string][] = [];
    let bytes = 0;
    const posted: Promise<unknown>[] = [];
    for (let i = 0; i < count; i++) {
      while (ahead < count && ahead < i + OPEN_AHEAD) opened[ahead] = open(ahead++);
      const f = await opened[i]!;
      opened[i] = undefined;
      if (batch !== this.#batch || !this.job.isRunning) return;
      if (f instanceof Error) failures.push([group.length, f.message]);
      group.push(f instanceof Error ? new Blob() : f);
      bytes += f instanceof Error ? 0 : f.size;
      if (group.length < most && bytes < GROUP_BYTES && i < count - 1) continue;
      const t = performance.now();
      const blob = new Blob(group);
      const start = i + 1 - group.length;
      posted.push(
        this.job
          .request({ kind: 'stage', batch, start, group: blob, sizes: group.map((b) => b.size), failures })
          .catch(() => undefined),
      );
      const ms = performance.now() - t;
      most = ms > SLICE_MS ? Math.max(8, most >> 1) : ms < SLICE_MS / 4 ? Math.min(128, most * 2) : most;
      group = [];
      failures = [];
      bytes = 0;
      if (posted.length > POST_AHEAD) await posted.shift();
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
