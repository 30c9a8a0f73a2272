import { Job } from '../../lib/ui/job.svelte.ts';
import { readBytes, type DroppedFile } from '../../lib/browser/dropped.ts';
import type { NamedBytes } from '../../lib/issue.ts';
import { issueOf } from '../../lib/worker/client.ts';
import { assemble, slicesOf, type RiskJob, type RiskReply } from './handoff.ts';
import type { LiveRiskData } from './live.ts';
import type {
  Priority,
  RiskDetection,
  RiskySignIn,
  TriagedUser,
  TriageResult,
  TriageRules,
} from './types.ts';
import RiskWorker from './worker.ts?worker';

export interface QueueFilters {
  priorities: Priority[];
  openOnly: boolean;
  source: 'all' | 'ad' | 'cloud' | 'unknown';
  kind: string;
  adminsOnly: boolean;
}

/** The tool's page state: the inputs (dropped and live), the rules, the worker job and what the user picked. */
export class TriageState {
  readonly job: Job<RiskJob, RiskReply>;
  /** The result of the current inputs and rules, whole; undefined while none is (a failed run shows no old queue). */
  result = $state.raw<TriageResult | undefined>(undefined);
  #runs = 0;
  /** The inputs the shown result was computed from. */
  #resultFiles: NamedBytes[] = [];
  dropped = $state.raw<NamedBytes[]>([]);
  live = $state.raw<LiveRiskData | undefined>(undefined);
  rules = $state.raw<Partial<TriageRules>>({});
  selectedKey = $state<string | undefined>(undefined);
  filters = $state<QueueFilters>({
    priorities: [1, 2, 3, 4],
    openOnly: true,
    source: 'all',
    kind: '',
    adminsOnly: false,
  });

  get inputs(): NamedBytes[] {
    return [...this.dropped, ...(this.live?.files ?? [])];
  }

  /** The queue as filtered; derived once per change of result or filters. */
  readonly queue: TriagedUser[] = $derived.by(() => {
    const r = this.result;
    if (!r) return [];
    const f = this.filters;
    return r.users.filter(
      (u) =>
        f.priorities.includes(u.priority) &&
        (!f.openOnly || u.isOpen) &&
        (f.source === 'all' ||
          (f.source === 'ad' && u.isSynced === true) ||
          (f.source === 'cloud' && u.isSynced === false) ||
          (f.source === 'unknown' && u.isSynced === null)) &&
        (!f.kind || u.kinds.includes(f.kind)) &&
        (!f.adminsOnly || !!u.adminRoles?.length),
    );
  });

  readonly selected: TriagedUser | undefined = $derived(
    this.result?.users.find((u) => keyOf(u) === this.selectedKey),
  );

  /** `createWorker` is for tests, which run the worker in-process. */
  constructor(createWorker: () => Worker = () => new RiskWorker()) {
    this.job = new Job<RiskJob, RiskReply>(createWorker);
  }

  async addFiles(files: DroppedFile[]): Promise<void> {
    const read = await Promise.all(files.map(readBytes));
    const names = new Set(read.map((f) => f.name));
    this.dropped = [...this.dropped.filter((f) => !names.has(f.name)), ...read];
    await this.run();
  }

  removeFile(name: string): void {
    this.dropped = this.dropped.filter((f) => f.name !== name);
    if (this.live?.files.some((f) => f.name === name)) this.live = undefined;
    void this.run();
  }

  async setLive(data: LiveRiskData): Promise<void> {
    this.live = data;
    await this.run();
  }

  /**
   * Risky-user records read again after an action replace the older copies: inside the live read when they came
   * from it, else in a file of their own (the parser keeps the most recently updated copy). Then triage again.
   */
  async applyRiskyUsers(records: readonly Record<string, unknown>[]): Promise<void> {
    if (!records.length) return;
    const fresh = new Map(records.map((r) => [r.id, r]));
    const live = this.live?.files.find((f) => f.name === 'riskyUsers (live).json');
    if (this.live && live) {
      const page = readPage(live);
      page.value = page.value.map((r) => {
        const next = fresh.get(r.id);
        fresh.delete(r.id);
        return next ?? r;
      });
      const patched = { name: live.name, bytes: new TextEncoder().encode(JSON.stringify(page)) };
      this.live = { ...this.live, files: this.live.files.map((f) => (f === live ? patched : f)) };
    }
    if (fresh.size) {
      const name = 'riskyUsers (after actions).json';
      const earlier = this.dropped.find((f) => f.name === name);
      const byId = new Map((earlier ? readPage(earlier).value : []).map((r) => [r.id, r]));
      for (const [id, r] of fresh) byId.set(id, r);
      const page = {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#identityProtection/riskyUsers',
        value: [...byId.values()],
      };
      this.dropped = [
        ...this.dropped.filter((f) => f.name !== name),
        { name, bytes: new TextEncoder().encode(JSON.stringify(page)) },
      ];
    }
    await this.run(true);
  }

  async setRules(rules: Partial<TriageRules>): Promise<void> {
    this.rules = rules;
    await this.run();
  }

  async run(refresh = false): Promise<void> {
    const run = ++this.#runs;
    const files = this.inputs;
    if (!files.length) {
      this.job.reset();
      this.#show(undefined, []);
      return;
    }
    // Other files than the shown result's: it no longer answers for them, even while this run works. Records
    // read again after an action keep it until the new one is in, so the action's dialog stays open.
    const same =
      files.length === this.#resultFiles.length && files.every((f, i) => f === this.#resultFiles[i]);
    if (!same && !refresh) this.#show(undefined, []);
    // Files are copied, not transferred: the rules can change and the same inputs run again.
    const head = await this.job.run({ run: { files, rules: this.rules } });
    if (run !== this.#runs) return;
    if (head?.kind !== 'head') {
      this.#show(undefined, []);
      return;
    }
    const parts: { detections: RiskDetection[]; signIns: RiskySignIn[] } = { detections: [], signIns: [] };
    try {
      for (const slice of slicesOf(head)) {
        const reply = await this.job.request(slice);
        if (run !== this.#runs) return;
        if (reply?.kind !== 'slice') throw new Error('The worker stopped before the whole result arrived.');
        (parts[slice.slice] as unknown[]).push(...reply.items);
      }
      this.#show(assemble(head, parts.detections, parts.signIns), files);
    } catch (e) {
      if (run !== this.#runs) return;
      this.#show(undefined, []);
      this.job.issue = issueOf(e);
    }
  }

  #show(result: TriageResult | undefined, files: NamedBytes[]): void {
    this.result = result;
    this.#resultFiles = files;
  }

  /** Stops the run: the inputs stay, and `run` shows no queue for them (a cancelled run has no head). */
  cancel(): void {
    this.job.cancel();
  }

  clear(): void {
    this.dropped = [];
    this.live = undefined;
    this.selectedKey = undefined;
    this.#runs++;
    this.job.reset();
    this.#show(undefined, []);
  }

  /** The view is gone: its worker ends, and no run still going writes here. */
  dispose(): void {
    this.#runs++;
    this.job.dispose();
  }
}

function readPage(f: NamedBytes): { value: Record<string, unknown>[] } {
  return JSON.parse(new TextDecoder().decode(f.bytes)) as { value: Record<string, unknown>[] };
}

export function keyOf(u: TriagedUser): string {
  return u.id || u.userPrincipalName;
}
