import { Job } from '../../lib/ui/job.svelte.ts';
import type { DroppedFile } from '../../lib/browser/dropped.ts';
import type { NamedBytes } from '../../lib/issue.ts';
import type { SyncCheckInput } from './core.ts';
import type { MappingOverride, SyncCheckResult } from './model.ts';
import SyncWorker from './worker.ts?worker';

export type Side = 'ad' | 'entra' | 'adAfter';

/** The view's state: chosen files, scope, threshold, column overrides, the running job and what is selected. */
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
  readonly job = new Job<SyncCheckInput, SyncCheckResult>(() => new SyncWorker());

  get canRun(): boolean {
    return this.files.ad.length > 0 && (this.files.entra.length > 0 || this.entraObjects.length > 0);
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
    const read = async (list: DroppedFile[]): Promise<NamedBytes[]> =>
      Promise.all(
        list.map(async (f) => ({
          name: f.path || f.file.name,
          bytes: new Uint8Array(await f.file.arrayBuffer()),
        })),
      );
    const [ad, entra, adAfter] = await Promise.all([
      read(this.files.ad),
      read(this.files.entra),
      read(this.files.adAfter),
    ]);
    const input: SyncCheckInput = {
      ad,
      entra,
      adAfter,
      entraJson: this.entraObjects.length ? this.entraObjects : undefined,
      entraJsonSource: this.entraObjectsSource,
      scope: this.scopeText.split(/\r?\n/),
      threshold: Number.isFinite(this.threshold) && this.threshold >= 0 ? Math.round(this.threshold) : 500,
      mapping: this.mapping,
    };
    this.detail = undefined;
    const transfer = [...ad, ...entra, ...adAfter].map((f) => f.bytes.buffer as ArrayBuffer);
    const result = await this.job.run(input, transfer);
    if (result)
      this.tab = result.diagnosis.length
        ? 'files'
        : result.totals.adNotInEntra
          ? 'adNotInEntra'
          : 'conflicts';
  }

  setOverride(kind: 'ad' | 'entra', field: string, column: string | null): void {
    this.mapping = { ...this.mapping, [kind]: { ...(this.mapping[kind] ?? {}), [field]: column } };
  }
}
