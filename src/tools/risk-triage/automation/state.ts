/**
 * "Only what is new": the state file remembers, per user and per detection, the risk state and level last
 * delivered. A run delivers users whose case is new (open and never delivered) or changed (their risk or any of
 * their detections moved), and events for detections that are new and open, or changed. The state is written only
 * for what every sink accepted, so a failed delivery is repeated next time (at least once, never lost).
 */
import { isOpenState } from '../triage.ts';
import type { RiskDetection, TriagedUser, TriageResult } from '../types.ts';

export const STATE_VERSION = 1;

export interface DeliveredMark {
  riskState: string;
  riskLevel: string;
}

export interface DeliveryState {
  version: typeof STATE_VERSION;
  /** When a run last delivered (ISO); the next live read looks back from here. */
  lastRunAt: string | null;
  users: Record<string, DeliveredMark>;
  detections: Record<string, DeliveredMark>;
}

export function emptyState(): DeliveryState {
  return { version: STATE_VERSION, lastRunAt: null, users: {}, detections: {} };
}

const MARK_TEXT = /^[\w.-]{0,64}$/;

function marks(value: unknown, where: string): Record<string, DeliveredMark> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`"${where}" must be an object of id → {riskState, riskLevel}.`);
  }
  const out: Record<string, DeliveredMark> = Object.create(null) as Record<string, DeliveredMark>;
  for (const [id, m] of Object.entries(value as Record<string, unknown>)) {
    const mark = m as Partial<DeliveredMark> | null;
    if (
      id.length > 200 ||
      !mark ||
      typeof mark.riskState !== 'string' ||
      typeof mark.riskLevel !== 'string' ||
      !MARK_TEXT.test(mark.riskState) ||
      !MARK_TEXT.test(mark.riskLevel)
    ) {
      throw new TypeError(
        `"${where}" has an entry that is not {riskState, riskLevel} (id ${JSON.stringify(id.slice(0, 60))}).`,
      );
    }
    out[id] = { riskState: mark.riskState, riskLevel: mark.riskLevel };
  }
  return out;
}

/** Reads a state file; a missing file is a first run. Anything else unreadable is refused, never guessed. */
export function parseState(text: string | undefined): DeliveryState {
  if (text === undefined || !text.trim()) return emptyState();
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch (e) {
    throw new TypeError(`not valid JSON (${e instanceof Error ? e.message : String(e)}).`, { cause: e });
  }
  if (!j || typeof j !== 'object' || j.version !== STATE_VERSION) {
    throw new TypeError(`not a risk-triage state file (expected "version": ${STATE_VERSION}).`);
  }
  const last = j.lastRunAt;
  if (last !== null && (typeof last !== 'string' || Number.isNaN(Date.parse(last)))) {
    throw new TypeError('"lastRunAt" must be an ISO date or null.');
  }
  return {
    version: STATE_VERSION,
    lastRunAt: last,
    users: marks(j.users, 'users'),
    detections: marks(j.detections, 'detections'),
  };
}

export function serializeState(s: DeliveryState): string {
  return JSON.stringify(s, null, 2) + '\n';
}

function userMark(u: TriagedUser): DeliveredMark {
  return {
    riskState: u.riskState ?? (u.isOpen ? 'atRisk' : 'none'),
    riskLevel: u.riskLevel ?? u.effectiveLevel,
  };
}

function detectionMark(d: RiskDetection): DeliveredMark {
  return { riskState: d.riskState, riskLevel: d.riskLevel };
}

const same = (a: DeliveredMark | undefined, b: DeliveredMark) =>
  !!a && a.riskState === b.riskState && a.riskLevel === b.riskLevel;

export interface UserDelivery {
  user: TriagedUser;
  /** `new`: never delivered; `updated`: delivered before and changed since. */
  change: 'new' | 'updated';
  /** The detections to send as events: new and open, or changed. */
  detections: RiskDetection[];
}

export interface Delta {
  users: UserDelivery[];
  /** Counts and ids for `--json`'s `delivered`. */
  delivered: {
    new: { users: string[]; detections: string[] };
    updated: { users: string[]; detections: string[] };
  };
}

const keyOf = (u: TriagedUser) => u.id || u.userPrincipalName;

/**
 * What is new or changed in `result` since `state`. Open means open by the rules in force (closed states,
 * reopening by a newer detection), so the same rules file decides here as in the page.
 */
export function computeDelta(
  result: TriageResult,
  state: DeliveryState,
  closedStates: readonly string[],
): Delta {
  const users: UserDelivery[] = [];
  const delivered: Delta['delivered'] = {
    new: { users: [], detections: [] },
    updated: { users: [], detections: [] },
  };
  for (const u of result.users) {
    const key = keyOf(u);
    if (!key) continue;
    const before = state.users[key];
    const detections = u.detections.filter((d) => {
      const had = state.detections[d.id];
      return had ? !same(had, detectionMark(d)) : isOpenState(d.riskState, { closedStates });
    });
    let change: UserDelivery['change'] | undefined;
    if (!before) change = u.isOpen ? 'new' : undefined;
    else if (!same(before, userMark(u)) || detections.length) change = 'updated';
    // A closed user never delivered is not a case: neither it nor its detections are sent or remembered.
    if (!change) continue;
    for (const d of detections)
      (state.detections[d.id] ? delivered.updated : delivered.new).detections.push(d.id);
    users.push({ user: u, change, detections });
    delivered[change].users.push(key);
  }
  return { users, delivered };
}

/** The state after `accepted` users (keys) were delivered everywhere; the others stay as they were. */
export function markDelivered(
  state: DeliveryState,
  delta: Delta,
  accepted: ReadonlySet<string>,
  at: string,
): DeliveryState {
  const next: DeliveryState = {
    version: STATE_VERSION,
    lastRunAt: at,
    users: { ...state.users },
    detections: { ...state.detections },
  };
  for (const d of delta.users) {
    const key = keyOf(d.user);
    if (!accepted.has(key)) continue;
    next.users[key] = userMark(d.user);
    for (const det of d.user.detections) {
      if (state.detections[det.id] || d.detections.includes(det))
        next.detections[det.id] = detectionMark(det);
    }
  }
  // Only a run in which everything arrived moves the look-back start forward.
  if (delta.users.some((d) => !accepted.has(keyOf(d.user)))) next.lastRunAt = state.lastRunAt;
  return next;
}

export { keyOf as deliveryKey };
