import { Gunzip, gzipSync } from 'fflate';
import { checkChunk, HistoryFileError, unpackChunk, type KeptReport, type PackedChunk } from './pack.ts';
import type { AddOutcome, HistoryStore } from './store.ts';

/**
 * The history as a file, to back it up or move it to another browser: JSON, gzip'd, in the packed shape the store
 * keeps (`pack.ts`) with plain arrays. An imported file is hostile input like any dropped report: every value is
 * checked before anything is kept, and a bad file changes nothing.
 */

export const HISTORY_FORMAT = 'hybrid-toolbox/dmarc-history';
export const HISTORY_VERSION = 1;
/** The largest file read, and the most it may hold unpacked (a year of a busy domain is tens of MB). */
export const MAX_FILE_BYTES = 256 * 2 ** 20;
export const MAX_JSON_BYTES = 1024 * 2 ** 20;
/** More than ten years of the busiest domain. */
export const MAX_REPORTS = 1_000_000;

const plain = (c: PackedChunk) => ({
  day: c.day,
  added: c.added,
  n: c.n,
  strings: c.strings,
  rs: Array.from(c.rs),
  // JSON has no NaN: a missing date is null.
  rt: Array.from(c.rt, (v) => (Number.isNaN(v) ? null : v)),
  rf: Array.from(c.rf),
  ro: Array.from(c.ro),
  cs: Array.from(c.cs),
  cn: Array.from(c.cn),
  cf: Array.from(c.cf),
  dead: c.dead,
});

/** Everything kept, as the bytes of an export file. */
export async function exportHistory(store: HistoryStore, now = new Date()): Promise<Uint8Array> {
  const meta = await store.meta();
  const chunks = await store.chunks();
  const parts = [
    `{"format":${JSON.stringify(HISTORY_FORMAT)},"version":${HISTORY_VERSION},"exported":${JSON.stringify(now.toISOString())},"reports":${meta.reports},"records":${meta.records},"chunks":[`,
  ];
  chunks.forEach((c, i) => parts.push((i ? ',' : '') + JSON.stringify(plain(c))));
  parts.push(']}');
  return gzipSync(new TextEncoder().encode(parts.join('')), { level: 6 });
}

function gunzip(bytes: Uint8Array): Uint8Array {
  const out: Uint8Array[] = [];
  let total = 0;
  let isDone = false;
  const g = new Gunzip((chunk, final) => {
    total += chunk.length;
    if (total > MAX_JSON_BYTES)
      throw new HistoryFileError(
        `It unpacks to more than ${MAX_JSON_BYTES / 2 ** 20} MB, far more than any history this page writes.`,
      );
    out.push(chunk);
    if (final) isDone = true;
  });
  try {
    for (let i = 0; i < bytes.length; i += 1 << 20) {
      const end = Math.min(bytes.length, i + (1 << 20));
      g.push(bytes.subarray(i, end), end === bytes.length);
    }
  } catch (e) {
    if (e instanceof HistoryFileError) throw e;
    throw new HistoryFileError(
      e instanceof Error && /EOF/.test(e.message)
        ? 'The file is cut short: its gzip data ends early.'
        : 'The file is damaged: its gzip data cannot be unpacked.',
    );
  }
  if (!isDone) throw new HistoryFileError('The file is cut short: its gzip data ends early.');
  const joined = new Uint8Array(total);
  let at = 0;
  for (const c of out) {
    joined.set(c, at);
    at += c.length;
  }
  return joined;
}

/** Reads and checks an export file completely; throws a HistoryFileError naming the first thing wrong. */
export function readHistoryFile(bytes: Uint8Array): KeptReport[] {
  if (bytes.length > MAX_FILE_BYTES)
    throw new HistoryFileError(`The file is larger than ${MAX_FILE_BYTES / 2 ** 20} MB.`);
  const isGzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const json = isGzip ? gunzip(bytes) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new HistoryFileError('This is not a DMARC history file: it is not text (nor gzip).');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new HistoryFileError(
      `This is not a DMARC history file: ${text.trimStart().startsWith('{') ? 'its JSON is cut short or damaged' : 'it is not JSON'}.`,
    );
  }
  if (typeof doc !== 'object' || doc === null || (doc as { format?: unknown }).format !== HISTORY_FORMAT)
    throw new HistoryFileError(
      'This is not a DMARC history file: it lacks the format mark this page writes ("hybrid-toolbox/dmarc-history").',
    );
  const d = doc as Record<string, unknown>;
  if (d.version !== HISTORY_VERSION)
    throw new HistoryFileError(
      typeof d.version === 'number' && d.version > HISTORY_VERSION
        ? `The file is of version ${d.version}, written by a newer page; this page reads version ${HISTORY_VERSION}.`
        : `The file's version (${JSON.stringify(d.version)?.slice(0, 20)}) is not one this page reads (${HISTORY_VERSION}).`,
    );
  if (!Array.isArray(d.chunks)) throw new HistoryFileError('The file holds no list of reports ("chunks").');
  const out: KeptReport[] = [];
  d.chunks.forEach((raw, i) => {
    const c = checkChunk(raw, `Part ${i + 1} of ${(d.chunks as unknown[]).length}`);
    if (out.length + c.n > MAX_REPORTS)
      throw new HistoryFileError(`The file holds more than ${MAX_REPORTS.toLocaleString('en-US')} reports.`);
    unpackChunk(c, out);
  });
  return out;
}

export type ImportOutcome = ({ isOk: true; reports: number } & AddOutcome) | { isOk: false; message: string };

/** Imports an export file: checked whole first, then kept in one transaction (so a bad file changes nothing). */
export async function importHistory(store: HistoryStore, bytes: Uint8Array): Promise<ImportOutcome> {
  let reports: KeptReport[];
  try {
    reports = readHistoryFile(bytes);
  } catch (e) {
    if (e instanceof HistoryFileError) return { isOk: false, message: e.message };
    // A check that did not expect this shape: still the file's fault, never a half import.
    return {
      isOk: false,
      message: `The file could not be read: ${e instanceof Error ? e.message : String(e)}.`,
    };
  }
  return { isOk: true, reports: reports.length, ...(await store.add(reports)) };
}
