/**
 * How a triage result crosses from the worker to the page without freezing it: one structured clone of 10,000
 * users and 30,000 detections takes the main thread for half a second. The page gets the users without their
 * detections and sign-ins first (a small clone), then the detections and sign-ins in slices, each its own short
 * task, and joins them back by index. The result the page builds is the one `analyseRisk` returned.
 */
import type { RiskInput } from './core.ts';
import type { RiskDetection, RiskySignIn, TriageResult } from './types.ts';

/** Objects per slice: about 20 ms of structured clone each on a slow machine. */
export const SLICE = 2_000;

export type RiskJob =
  { run: RiskInput } | { slice: 'detections' | 'signIns'; run: number; from: number; to: number };

/** The result without the users' detections and sign-ins; `links` says which of the result's objects each user has. */
export interface RiskHead {
  kind: 'head';
  /** Which run of this worker the slices must come from. */
  run: number;
  result: TriageResult;
  detections: number;
  signIns: number;
  links: {
    /** User i's detections are `detections[detectionIndex[detectionStart[i]] … detectionIndex[detectionStart[i+1]-1]]`. */
    detectionStart: Int32Array;
    detectionIndex: Int32Array;
    signInStart: Int32Array;
    signInIndex: Int32Array;
  };
}

export type RiskReply = RiskHead | { kind: 'slice'; items: (RiskDetection | RiskySignIn)[] };

function pack<T>(
  lists: readonly (readonly T[])[],
  all: readonly T[],
): { start: Int32Array; index: Int32Array } {
  const at = new Map<T, number>();
  all.forEach((x, i) => at.set(x, i));
  const start = new Int32Array(lists.length + 1);
  let n = 0;
  for (let i = 0; i < lists.length; i++) {
    start[i] = n;
    n += lists[i]!.length;
  }
  start[lists.length] = n;
  const index = new Int32Array(n);
  let k = 0;
  for (const list of lists)
    for (const x of list) {
      const i = at.get(x);
      // Triage gives users the same objects it lists; anything else would be lost, so it is a bug.
      if (i === undefined) throw new Error('A user holds an object that the result does not list.');
      index[k++] = i;
    }
  return { start, index };
}

/** The head of a result; its `links` buffers can be transferred. */
export function headOf(result: TriageResult, run: number): RiskHead {
  const d = pack(
    result.users.map((u) => u.detections),
    result.detections,
  );
  const s = pack(
    result.users.map((u) => u.signIns),
    result.signIns,
  );
  return {
    kind: 'head',
    run,
    result: {
      ...result,
      users: result.users.map((u) => ({ ...u, detections: [], signIns: [] })),
      detections: [],
      signIns: [],
    },
    detections: result.detections.length,
    signIns: result.signIns.length,
    links: { detectionStart: d.start, detectionIndex: d.index, signInStart: s.start, signInIndex: s.index },
  };
}

/** The slices to ask for after a head. */
export function slicesOf(head: RiskHead): Extract<RiskJob, { slice: string }>[] {
  const out: Extract<RiskJob, { slice: string }>[] = [];
  for (const [slice, total] of [
    ['detections', head.detections],
    ['signIns', head.signIns],
  ] as const)
    for (let from = 0; from < total; from += SLICE)
      out.push({ slice, run: head.run, from, to: Math.min(total, from + SLICE) });
  return out;
}

/** The full result again: the head's users given back their detections and sign-ins, in triage's order. */
export function assemble(head: RiskHead, detections: RiskDetection[], signIns: RiskySignIn[]): TriageResult {
  if (detections.length !== head.detections || signIns.length !== head.signIns)
    throw new Error('The result arrived incomplete.');
  const { detectionStart, detectionIndex, signInStart, signInIndex } = head.links;
  const users = head.result.users.map((u, i) => {
    const ds: RiskDetection[] = [];
    for (let k = detectionStart[i]!; k < detectionStart[i + 1]!; k++)
      ds.push(detections[detectionIndex[k]!]!);
    const ss: RiskySignIn[] = [];
    for (let k = signInStart[i]!; k < signInStart[i + 1]!; k++) ss.push(signIns[signInIndex[k]!]!);
    return { ...u, detections: ds, signIns: ss };
  });
  return { ...head.result, users, detections, signIns };
}
