import { Job } from '../../lib/ui/job.svelte.ts';
import { readBytes, type DroppedFile } from '../../lib/browser/dropped.ts';
import type { NamedBytes } from '../../lib/issue.ts';
import type { RiskInput } from './core.ts';
import type { LiveRiskData } from './live.ts';
import type { Priority, TriagedUser, TriageResult, TriageRules } from './types.ts';
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
  readonly job = new Job<RiskInput, TriageResult>(() => new RiskWorker());
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

  get result(): TriageResult | undefined {
    return this.job.result;
  }

  get inputs(): NamedBytes[] {
    return [...this.dropped, ...(this.live?.files ?? [])];
  }

  /** The queue as filtered; derived once per change of result or filters. */
  readonly queue: TriagedUser[] = $derived.by(() => {
    const r = this.job.result;
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
    this.job.result?.users.find((u) => keyOf(u) === this.selectedKey),
  );

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
   * Risky-user records read again after an action: they replace the older copies (the parser keeps the most
   * recently updated copy of each user) and the queue is triaged again.
   */
  async applyRiskyUsers(records: readonly Record<string, unknown>[]): Promise<void> {
    if (!records.length) return;
    const name = 'riskyUsers (after actions).json';
    const earlier = this.dropped.find((f) => f.name === name);
    const byId = new Map<unknown, Record<string, unknown>>();
    if (earlier) {
      const page = JSON.parse(new TextDecoder().decode(earlier.bytes)) as {
        value: Record<string, unknown>[];
      };
      for (const r of page.value) byId.set(r.id, r);
    }
    for (const r of records) byId.set(r.id, r);
    const text = JSON.stringify({
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#identityProtection/riskyUsers',
      value: [...byId.values()],
    });
    this.dropped = [
      ...this.dropped.filter((f) => f.name !== name),
      { name, bytes: new TextEncoder().encode(text) },
    ];
    await this.run();
  }

  async setRules(rules: Partial<TriageRules>): Promise<void> {
    this.rules = rules;
    await this.run();
  }

  async run(): Promise<void> {
    const files = this.inputs;
    if (!files.length) {
      this.job.reset();
      return;
    }
    // Files are copied, not transferred: the rules can change and the same inputs run again.
    await this.job.run({ files, rules: this.rules });
  }

  clear(): void {
    this.dropped = [];
    this.live = undefined;
    this.selectedKey = undefined;
    this.job.reset();
  }
}

export function keyOf(u: TriagedUser): string {
  return u.id || u.userPrincipalName;
}
