import { WorkerClient } from '../../lib/worker/client.ts';
import type { DroppedFile } from '../../lib/browser/dropped.ts';
import { isAbortError, isInputError, type Issue } from '../../lib/issue.ts';
import type { JobStatus } from '../../lib/ui/job.svelte.ts';
import type { MappingOverride } from './types.ts';
import type { ExportRequest, RowsQuery, RowsWindow, SyncSummary, UserDetailData } from './store.ts';
import type { PageInput, SyncJob, SyncJobResult } from './worker.ts';
import SyncWorker from './worker.ts?worker';

export type Side = 'ad' | 'entra' | 'adAfter';

/**
 * The view's state: chosen files, scope, threshold, column overrides, the run and what is selected. The result
 * stays in the worker (see store.ts): the page holds its summary and asks for table windows, a user's detail
 * and exports. Cancel ends the worker at once — the core cannot be interrupted mid-file otherwise — and a fresh
 * one starts on the next run.
 */
export class SyncCheckState {
  files = $state.raw<Record<Side, DroppedFile[]>>({ ad: [], entra: [], adAfter: [] });
  /**
   * Entra users fetched live (Graph user objects or /users pages). The "Load from Entra" button sets this through
   * `setEntraObjects`; the worker reads them exactly like a Graph JSON file.
   */
  entraObjects = $state.raw<unknown[]>([]);
  entraObjectsSource = $state('Microsoft Graph');
  scopeText = $state('');
  threshold = $state(500);
  mapping = $state.raw<MappingOverride>({});
  tab = $state('adNotInEntra');
  detail = $state.raw<{ ad?: number; entra?: number } | undefined>(undefined);
  detailData = $state.raw<UserDetailData | undefined>(undefined);

  status = $state<JobStatus>('idle');
  progress = $state.raw({ done: 0, total: 0, label: '' });
  issue = $state.raw<Issue | undefined>(undefined);
  summary = $state.raw<SyncSummary | undefined>(undefined);
  /** Wall time of the last run, ms. */
  elapsed = $state(0);
  /** Bumped with every new result: tables ask again. */
  version = $state(0);
  #client: WorkerClient<SyncJob, SyncJobResult> | undefined;
  #run: AbortController | undefined;
  readonly #createWorker: () => Worker;

  /** `createWorker` is for tests, which run the worker in-process. */
  constructor(createWorker: () => Worker = () => new SyncWorker()) {
    this.#createWorker = createWorker;
  }

  get isRunning(): boolean {
    return this.status === 'running';
  }

  get canRun(): boolean {
    return this.files.ad.length > 0 && (this.files.entra.length > 0 || this.entraObjects.length > 0);
  }

  #worker(): WorkerClient<SyncJob, SyncJobResult> {
    return (this.#client ??= new WorkerClient<SyncJob, SyncJobResult>(this.#createWorker));
  }

  addFiles(side: Side, dropped: DroppedFile[]): void {
    const keep = side === 'entra' ? this.files.entra : [];
    this.files = { ...this.files, [side]: [...keep, ...dropped] };
  }

  removeFile(side: Side, index: number): void {
    this.files = { ...this.files, [side]: this.files[side].filter((_, k) => k !== index) };
  }

  setEntraObjects(objects: unknown[], source = 'Microsoft Graph'): void {
    this.entraObjects = objects;
    this.entraObjectsSource = source;
  }

  async run(): Promise<void> {
    if (!this.canRun) return;
    // A run still going ends with its worker: asking it to stop would leave this one queued behind it.
    this.cancel();
    const controller = (this.#run = new AbortController());
    const refs = (list: DroppedFile[]) => list.map((f) => ({ name: f.path || f.file.name, file: f.file }));
    const input: PageInput = {
      ad: refs(this.files.ad),
      entra: refs(this.files.entra),
      adAfter: refs(this.files.adAfter),
      entraJson: this.entraObjects.length ? this.entraObjects : undefined,
      entraJsonSource: this.entraObjectsSource,
      scope: this.scopeText.split(/\r?\n/),
      threshold: Number.isFinite(this.threshold) && this.threshold >= 0 ? Math.round(this.threshold) : 500,
      mapping: this.mapping,
    };
    this.detail = undefined;
    this.detailData = undefined;
    this.summary = undefined;
    this.issue = undefined;
    this.status = 'running';
    this.progress = { done: 0, total: 0, label: 'Starting' };
    const started = performance.now();
    try {
      const r = await this.#worker().run(
        { kind: 'analyse', input },
        {
          signal: controller.signal,
          onProgress: (done, total, label) => (this.progress = { done, total, label: label ?? '' }),
        },
      );
      if (controller !== this.#run || r.kind !== 'summary') return;
      const s = r.summary;
      this.tab = s.diagnosis.length ? 'files' : s.totals.adNotInEntra ? 'adNotInEntra' : 'conflicts';
      this.summary = s;
      this.version++;
      this.elapsed = performance.now() - started;
      this.status = 'done';
    } catch (e) {
      if (controller !== this.#run) return;
      if (isAbortError(e)) this.status = 'cancelled';
      else {
        // An input problem, or a bug report from the worker: both carry their Issue.
        const carried = (e as { issue?: Issue } | null)?.issue;
        this.issue = isInputError(e)
          ? e.issue
          : (carried ?? {
              code: 'bug',
              severity: 'error',
              message: `Unexpected error: ${e instanceof Error ? e.message : String(e)}`,
            });
        this.status = 'failed';
      }
    }
  }

  /** Stops the run now: the worker is ended, not asked. */
  cancel(): void {
    if (!this.isRunning) return;
    this.#run?.abort();
    this.#run = undefined;
    this.#client?.dispose();
    this.#client = undefined;
    this.status = 'cancelled';
  }

  /** A request answered by the worker that holds the result; undefined when a newer result replaced it. */
  async #ask(job: SyncJob): Promise<SyncJobResult | undefined> {
    if (!this.summary || !this.#client) return undefined;
    const version = this.version;
    try {
      const r = await this.#client.run(job);
      return version === this.version ? r : undefined;
    } catch {
      return undefined;
    }
  }

  async rows(query: RowsQuery): Promise<RowsWindow | undefined> {
    const r = await this.#ask({ kind: 'rows', query });
    return r?.kind === 'rows' ? r.window : undefined;
  }

  async select(sel: { ad?: number; entra?: number }): Promise<void> {
    this.detail = sel;
    this.detailData = undefined;
    const r = await this.#ask({ kind: 'detail', ...sel });
    if (r?.kind === 'detail' && this.detail === sel) this.detailData = r.detail;
  }

  async export(request: ExportRequest): Promise<Blob> {
    const r = await this.#ask({ kind: 'export', request });
    return r?.kind === 'export' ? r.blob : new Blob([]);
  }

  setOverride(kind: 'ad' | 'entra', field: string, column: string | null): void {
    this.mapping = { ...this.mapping, [kind]: { ...(this.mapping[kind] ?? {}), [field]: column } };
  }

  /** Starts over: the run and the worker holding the result end; inputs, overrides and selection are forgotten. */
  clear(): void {
    this.cancel();
    this.dispose();
    this.files = { ad: [], entra: [], adAfter: [] };
    this.entraObjects = [];
    this.entraObjectsSource = 'Microsoft Graph';
    this.scopeText = '';
    this.threshold = 500;
    this.mapping = {};
    this.tab = 'adNotInEntra';
    this.detail = undefined;
    this.detailData = undefined;
    this.summary = undefined;
    this.issue = undefined;
    this.status = 'idle';
    this.progress = { done: 0, total: 0, label: '' };
    this.elapsed = 0;
    // Tables and requests still waiting ask of a result that is gone.
    this.version++;
  }

  dispose(): void {
    this.#run?.abort();
    this.#client?.dispose();
    this.#client = undefined;
  }
}
