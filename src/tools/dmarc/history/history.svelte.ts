import type { DmarcSummary } from '../core.ts';
import type { DmarcJob, DmarcJobResult } from '../worker.ts';
import type { DmarcState } from '../state.svelte.ts';
import type { AddOutcome } from './store.ts';
import type { HistoryStats } from './worker-side.ts';
import { KEEP_SETTING } from './setting.ts';

const DAY_MS = 86_400_000;
/** 'YYYY-MM-DD' to UTC days since 1970; undefined for an empty or unreadable field. */
export function dayOfInput(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const t = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(t) ? Math.floor(t / DAY_MS) : undefined;
}
export const inputOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** What this needs of the DMARC state: its worker, the summary on screen and the drill-down into it. */
type HistoryHost = Pick<DmarcState, 'job' | 'summary' | 'sender' | 'records' | 'raw'>;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/**
 * Reports kept across visits (opt-in): the switch, the view over what is kept, its date range, and export, import
 * and forget. The kept reports live in IndexedDB and are read and rolled up by the DMARC worker; the page only
 * receives the summary, as for a drop.
 */
export class DmarcHistory {
  isKeeping = $state(storage()?.getItem(KEEP_SETTING) === 'on');
  /** What `navigator.storage.persist()` answered when the switch was turned on; undefined when not asked. */
  isPersisted = $state<boolean | undefined>(undefined);
  stats = $state.raw<HistoryStats | undefined>(undefined);
  /** The last drop's reports as kept: how many were new. */
  lastKept = $state.raw<AddOutcome | undefined>(undefined);
  from = $state('');
  to = $state('');
  isBusy = $state(false);
  /** What the last import, export or keep said: a problem or a confirmation. */
  notice = $state.raw<{ isError: boolean; text: string } | undefined>(undefined);
  /** The summary this puts on screen; the view shows "everything kept" while it is still the one shown. */
  #keptSummary = $state.raw<DmarcSummary | undefined>(undefined);
  /** Everything kept was asked for and nothing in the date range matched: still that view, with nothing in it. */
  #isEmptyRange = $state(false);

  constructor(private readonly host: HistoryHost) {}

  /** A drill-down belonged to the summary being replaced. */
  #resetDetail(): void {
    this.host.sender = undefined;
    this.host.records = undefined;
    this.host.raw = undefined;
  }

  get isKeptView(): boolean {
    const shown = this.host.summary;
    return shown === undefined ? this.#isEmptyRange : shown === this.#keptSummary;
  }

  /** Anything kept, whether or not the switch is on now. */
  get hasKept(): boolean {
    return (this.stats?.reports ?? 0) > 0;
  }

  async #ask(job: DmarcJob): Promise<DmarcJobResult | undefined> {
    this.isBusy = true;
    try {
      return await this.host.job.request(job);
    } catch (e) {
      this.notice = {
        isError: true,
        text: `The kept reports could not be read or written: ${(e as { issue?: { message?: string } }).issue?.message ?? String(e)}`,
      };
      return undefined;
    } finally {
      this.isBusy = false;
    }
  }

  #take(r: DmarcJobResult | undefined): void {
    if (r && 'stats' in r) this.stats = r.stats;
  }

  /** On opening the tool: how much is kept; with the switch on and nothing dropped yet, show it. */
  async start(): Promise<void> {
    this.#take(await this.#ask({ kind: 'history-stats' }));
    if (this.isKeeping && this.hasKept && !this.host.summary) await this.showKept();
  }

  /** Turns keeping on or off; on, asks the browser not to clear the storage and keeps the drop on screen. */
  async setKeeping(on: boolean, dropOnScreen: boolean): Promise<void> {
    this.isKeeping = on;
    storage()?.setItem(KEEP_SETTING, on ? 'on' : 'off');
    this.notice = undefined;
    if (!on) return;
    try {
      const s = navigator.storage;
      this.isPersisted = (await s?.persisted?.()) || ((await s?.persist?.()) ?? false);
    } catch {
      this.isPersisted = false;
    }
    if (dropOnScreen) await this.afterDrop();
    else this.#take(await this.#ask({ kind: 'history-stats' }));
  }

  /** A drop was read: with the switch on, its reports are kept (copies already kept are not added again). */
  async afterDrop(): Promise<void> {
    this.#isEmptyRange = false;
    if (!this.isKeeping) return;
    const r = await this.#ask({ kind: 'history-keep' });
    this.#take(r);
    if (r?.kind === 'history') this.lastKept = r.kept;
  }

  /** Everything kept (within the date range) becomes the result every tab shows. */
  async showKept(): Promise<void> {
    const from = dayOfInput(this.from);
    const to = dayOfInput(this.to);
    const r = await this.#ask({ kind: 'history-view', range: { from, to } });
    this.#take(r);
    if (r?.kind !== 'history-view') return;
    this.#resetDetail();
    this.#keptSummary = r.summary;
    this.#isEmptyRange = !r.summary;
    this.host.summary = r.summary;
    if (!r.summary)
      this.notice = {
        isError: false,
        text: this.hasKept ? 'No kept report begins in that date range.' : 'Nothing is kept yet.',
      };
    else this.notice = undefined;
  }

  /** Back to the last drop's result. */
  async showDrop(): Promise<void> {
    const r = await this.#ask({ kind: 'history-drop' });
    this.#take(r);
    if (r?.kind !== 'history-view') return;
    this.#resetDetail();
    this.#keptSummary = undefined;
    this.#isEmptyRange = false;
    this.host.summary = r.summary;
  }

  async exportFile(): Promise<Blob> {
    const r = await this.#ask({ kind: 'history-export' });
    return r?.kind === 'history-file' ? r.file : new Blob([]);
  }

  async importFile(file: File): Promise<void> {
    this.notice = undefined;
    const r = await this.#ask({ kind: 'history-import', file });
    this.#take(r);
    if (r?.kind !== 'history-import') return;
    const o = r.outcome;
    const n = (x: number) => x.toLocaleString('en-US');
    this.notice = o.isOk
      ? {
          isError: false,
          text: `Imported ${file.name}: ${n(o.reports)} report(s), ${n(o.added)} new${o.replaced ? `, ${n(o.replaced)} more complete than the kept copy` : ''}${o.duplicates ? `, ${n(o.duplicates)} already kept` : ''}.`,
        }
      : { isError: true, text: `${file.name} was not imported, and nothing kept was changed. ${o.message}` };
    if (o.isOk && this.isKeptView) await this.showKept();
  }

  async forget(): Promise<void> {
    const wasKeptView = this.isKeptView;
    const r = await this.#ask({ kind: 'history-forget' });
    this.#take(r);
    this.lastKept = undefined;
    this.notice = r
      ? { isError: false, text: 'Everything kept in this browser was forgotten.' }
      : this.notice;
    if (wasKeptView) await this.showDrop();
  }
}
