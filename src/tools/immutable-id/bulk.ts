import { throwIfAborted, type RunOptions } from '../../lib/issue.ts';
import { convertId, type IdKind, type IdResult } from './core.ts';

/** Kinds that show a column holds IDs; plain strings and junk do not. */
const ID_LIKE: ReadonlySet<IdKind> = new Set<IdKind>([
  'guid',
  'hex-ambiguous',
  'immutable-id',
  'octets',
  'ldap',
  'csvde',
  'ldif',
  'byte-array',
  'connector-space-dn',
  'cloud-anchor',
  'cloud-sid',
  'text-anchor',
]);

/**
 * The first column whose first non-empty values mostly read as IDs (a Get-ADUser export: ObjectGUID, not
 * DistinguishedName or SID); the first column when none does, -1 without columns.
 */
export function guessIdColumn(headers: readonly string[], rows: readonly string[][], sample = 50): number {
  for (let c = 0; c < headers.length; c++) {
    let seen = 0;
    let ids = 0;
    for (const row of rows) {
      const v = row[c]?.trim();
      if (!v) continue;
      seen++;
      if (ID_LIKE.has(convertId(v).kind)) ids++;
      if (seen >= sample) break;
    }
    if (seen > 0 && ids / seen >= 0.6) return c;
  }
  return headers.length ? 0 : -1;
}

/** The non-empty cells of one column, in order. */
export function columnValues(rows: readonly string[][], column: number): string[] {
  const out: string[] = [];
  for (const row of rows) {
    const v = row[column];
    if (v !== undefined && v.trim() !== '') out.push(v);
  }
  return out;
}

/**
 * Converts many values in chunks, yielding to the event loop between them so a page stays responsive with
 * hundreds of thousands of lines (`onChunk` lets the caller build its table as it goes); stops with an
 * AbortError when the signal fires.
 */
export async function convertAll(
  values: readonly string[],
  opts: RunOptions & { chunk?: number; onChunk?: (results: IdResult[]) => void } = {},
): Promise<IdResult[]> {
  const chunk = opts.chunk ?? 5000;
  const out: IdResult[] = [];
  for (let i = 0; i < values.length; i += chunk) {
    throwIfAborted(opts.signal);
    const end = Math.min(values.length, i + chunk);
    const part: IdResult[] = [];
    for (let k = i; k < end; k++) part.push(convertId(values[k]!));
    for (const r of part) out.push(r);
    opts.onChunk?.(part);
    opts.onProgress?.(end, values.length);
    if (end < values.length) await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return out;
}

export interface BulkSummary {
  values: number;
  /** Read as one or more GUIDs (including two-way hex). */
  ids: number;
  /** Of those, 32 bare hex digits shown both ways. */
  ambiguous: number;
  anchors: number;
  invalid: number;
}

export function summarise(results: readonly IdResult[]): BulkSummary {
  const s: BulkSummary = { values: results.length, ids: 0, ambiguous: 0, anchors: 0, invalid: 0 };
  for (const r of results) {
    if (r.kind === 'invalid') s.invalid++;
    else if (r.kind === 'text-anchor' || r.kind === 'string-anchor') s.anchors++;
    else {
      s.ids++;
      if (r.kind === 'hex-ambiguous') s.ambiguous++;
    }
  }
  return s;
}
