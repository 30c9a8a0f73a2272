import { MAX_FIELD_LENGTH, MAX_LIST_ITEMS, MAX_RECORD_COUNT } from '../parse.ts';
import type { AggregateReport, DkimAuth, DmarcRecord, OverrideReason, SpfAuth } from '../types.ts';

/**
 * Kept reports are stored packed: one object per added batch and UTC day of the reports' begin, holding column
 * arrays and one string table, so a year of a busy domain is a few hundred IndexedDB objects, not half a million
 * (one object per record took seconds to read back). The same shape, with plain arrays, is the export file's.
 */

/** One aggregate report with its records, as the roll-up takes them. */
export interface KeptReport {
  report: AggregateReport;
  records: DmarcRecord[];
}

export interface PackedChunk {
  /** IndexedDB key, given on the first write. */
  id?: number;
  /** UTC day of the reports' begin, as days since 1970; NO_DAY for reports without a begin. */
  day: number;
  /** When the batch was added, ms since 1970. */
  added: number;
  strings: string[];
  /** Reports in the chunk. */
  n: number;
  /** n × REPORT_TEXT indexes into `strings`. */
  rs: Uint32Array;
  /** n × 2: begin, end (seconds; NaN for none). */
  rt: Float64Array;
  /** Per report: bit 0 isDateOutOfRange. */
  rf: Uint8Array;
  /** n + 1 offsets into the record columns. */
  ro: Uint32Array;
  /** m × RECORD_TEXT indexes into `strings`. */
  cs: Uint32Array;
  /** Per record: messages. */
  cn: Uint32Array;
  /** Per record: bit 0 isCountInvalid. */
  cf: Uint8Array;
  /** Reports of this chunk replaced later by a more complete copy (slots). */
  dead: number[];
}

/** The day of reports without a begin date: before any real one, so a date range never includes them. */
export const NO_DAY = -1_000_000_000;

const REPORT_TEXT = [
  'source',
  'input',
  'version',
  'namespace',
  'orgName',
  'email',
  'extraContactInfo',
  'reportId',
  'generator',
  'errors',
  'domain',
  'adkim',
  'aspf',
  'p',
  'sp',
  'pct',
  'fo',
  'np',
  'testing',
  'discoveryMethod',
] as const;
const RT = REPORT_TEXT.length;
const RECORD_TEXT = [
  'sourceIp',
  'disposition',
  'dkim',
  'spf',
  'headerFrom',
  'envelopeFrom',
  'envelopeTo',
  'reasons',
  'dkimAuth',
  'spfAuth',
] as const;
const CT = RECORD_TEXT.length;
/** Column of the first list-valued text: from here on a string holds a JSON list. */
const FIRST_LIST = 7;

const DAY = 86_400;
export const dayNumber = (seconds: number | null): number =>
  seconds === null ? NO_DAY : Math.floor(seconds / DAY);

/** Packs reports (all of one day, or any mix) into one chunk. */
export function packChunk(items: readonly KeptReport[], day: number, added: number): PackedChunk {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const id = (s: string) => {
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  let m = 0;
  for (const it of items) m += it.records.length;
  const n = items.length;
  const c: PackedChunk = {
    day,
    added,
    strings,
    n,
    rs: new Uint32Array(n * RT),
    rt: new Float64Array(n * 2),
    rf: new Uint8Array(n),
    ro: new Uint32Array(n + 1),
    cs: new Uint32Array(m * CT),
    cn: new Uint32Array(m),
    cf: new Uint8Array(m),
    dead: [],
  };
  let k = 0;
  for (let i = 0; i < n; i++) {
    const { report: r, records } = items[i]!;
    const p = r.policy;
    const text = [
      r.source,
      r.input,
      r.version,
      r.namespace,
      r.orgName,
      r.email,
      r.extraContactInfo,
      r.reportId,
      r.generator,
      JSON.stringify(r.errors),
      p.domain,
      p.adkim,
      p.aspf,
      p.p,
      p.sp,
      p.pct,
      p.fo,
      p.np,
      p.testing,
      p.discoveryMethod,
    ];
    for (let t = 0; t < RT; t++) c.rs[i * RT + t] = id(text[t]!);
    c.rt[i * 2] = r.begin ?? NaN;
    c.rt[i * 2 + 1] = r.end ?? NaN;
    c.rf[i] = r.isDateOutOfRange ? 1 : 0;
    c.ro[i] = k;
    for (const x of records) {
      const o = k * CT;
      c.cs[o] = id(x.sourceIp);
      c.cs[o + 1] = id(x.disposition);
      c.cs[o + 2] = id(x.dkim);
      c.cs[o + 3] = id(x.spf);
      c.cs[o + 4] = id(x.headerFrom);
      c.cs[o + 5] = id(x.envelopeFrom);
      c.cs[o + 6] = id(x.envelopeTo);
      c.cs[o + 7] = id(x.reasons.length ? JSON.stringify(x.reasons.map((v) => [v.type, v.comment])) : '');
      c.cs[o + 8] = id(
        x.dkimAuth.length
          ? JSON.stringify(x.dkimAuth.map((v) => [v.domain, v.selector, v.result, v.humanResult]))
          : '',
      );
      c.cs[o + 9] = id(
        x.spfAuth.length
          ? JSON.stringify(x.spfAuth.map((v) => [v.domain, v.scope, v.result, v.humanResult]))
          : '',
      );
      c.cn[k] = x.count;
      c.cf[k] = x.isCountInvalid ? 1 : 0;
      k++;
    }
  }
  c.ro[n] = k;
  return c;
}

const EMPTY: never[] = [];

/**
 * The chunk's live reports as the roll-up takes them. Lists of one string are shared between records (nothing in
 * the roll-up changes them); report and sender indexes are set by the roll-up.
 */
export function unpackChunk(c: PackedChunk, out: KeptReport[] = []): KeptReport[] {
  const s = c.strings;
  const lists = new Map<number, unknown[]>();
  const list = <T>(i: number, make: (v: string[]) => T): T[] => {
    if (s[i] === '') return EMPTY;
    let l = lists.get(i);
    if (!l) lists.set(i, (l = (JSON.parse(s[i]!) as string[][]).map(make)));
    return l as T[];
  };
  const dead = c.dead.length ? new Set(c.dead) : undefined;
  for (let i = 0; i < c.n; i++) {
    if (dead?.has(i)) continue;
    const t = (k: number) => s[c.rs[i * RT + k]!]!;
    const begin = c.rt[i * 2]!;
    const end = c.rt[i * 2 + 1]!;
    const records: DmarcRecord[] = [];
    let messages = 0;
    let dmarcPass = 0;
    for (let k = c.ro[i]!; k < c.ro[i + 1]!; k++) {
      const o = k * CT;
      const dkim = s[c.cs[o + 2]!]!;
      const spf = s[c.cs[o + 3]!]!;
      const count = c.cn[k]!;
      const isDmarcPass = dkim === 'pass' || spf === 'pass';
      messages += count;
      if (isDmarcPass) dmarcPass += count;
      records.push({
        report: -1,
        sender: -1,
        sourceIp: s[c.cs[o]!]!,
        count,
        isCountInvalid: (c.cf[k]! & 1) === 1,
        disposition: s[c.cs[o + 1]!]!,
        dkim,
        spf,
        isDmarcPass,
        reasons: list<OverrideReason>(c.cs[o + 7]!, (v) => ({ type: v[0]!, comment: v[1]! })),
        headerFrom: s[c.cs[o + 4]!]!,
        envelopeFrom: s[c.cs[o + 5]!]!,
        envelopeTo: s[c.cs[o + 6]!]!,
        dkimAuth: list<DkimAuth>(c.cs[o + 8]!, (v) => ({
          domain: v[0]!,
          selector: v[1]!,
          result: v[2]!,
          humanResult: v[3]!,
        })),
        spfAuth: list<SpfAuth>(c.cs[o + 9]!, (v) => ({
          domain: v[0]!,
          scope: v[1]!,
          result: v[2]!,
          humanResult: v[3]!,
        })),
      });
    }
    out.push({
      report: {
        source: t(0),
        input: t(1),
        version: t(2),
        namespace: t(3),
        orgName: t(4),
        email: t(5),
        extraContactInfo: t(6),
        reportId: t(7),
        generator: t(8),
        errors: JSON.parse(t(9)) as string[],
        begin: Number.isNaN(begin) ? null : begin,
        end: Number.isNaN(end) ? null : end,
        policy: {
          domain: t(10),
          adkim: t(11),
          aspf: t(12),
          p: t(13),
          sp: t(14),
          pct: t(15),
          fo: t(16),
          np: t(17),
          testing: t(18),
          discoveryMethod: t(19),
        },
        recordCount: records.length,
        messages,
        dmarcPass,
        isDateOutOfRange: (c.rf[i]! & 1) === 1,
        duplicateOf: -1,
      },
      records,
    });
  }
  return out;
}

/** What is wrong with an imported file, said so a person can act on it. */
export class HistoryFileError extends Error {
  override name = 'HistoryFileError';
}

/** Limits of an imported chunk: far past what the tool writes, tight enough that a hostile file stops early. */
export const CHUNK_LIMITS = {
  reports: 200_000,
  records: 5_000_000,
  strings: 10_000_000,
  /** Paths of archive members can be long; every other text is cut at MAX_FIELD_LENGTH when read. */
  pathLength: 8192,
  listText: (MAX_FIELD_LENGTH * 4 + 64) * MAX_LIST_ITEMS,
};

/** Seconds a date may hold, as the report reader allows. */
const MAX_DATE_SECONDS = 8.64e12;

function ints(
  v: unknown,
  length: number,
  max: number,
  what: string,
  Typed: Uint32ArrayConstructor | Uint8ArrayConstructor,
): Uint32Array | Uint8Array {
  const isList = Array.isArray(v) || v instanceof Uint32Array || v instanceof Uint8Array;
  if (!isList) throw new HistoryFileError(`${what} is not a list of numbers.`);
  const a = v as ArrayLike<unknown>;
  if (a.length !== length)
    throw new HistoryFileError(`${what} holds ${a.length} values; ${length} were expected.`);
  const out = new Typed(length);
  for (let i = 0; i < length; i++) {
    const x = a[i];
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > max)
      throw new HistoryFileError(
        `${what}, value ${i + 1}: ${JSON.stringify(x)?.slice(0, 40)} is not a whole number from 0 to ${max.toLocaleString('en-US')}.`,
      );
    out[i] = x;
  }
  return out;
}

function count(v: unknown, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max)
    throw new HistoryFileError(
      `${what}: ${JSON.stringify(v)?.slice(0, 40)} is not a whole number from 0 to ${max.toLocaleString('en-US')}.`,
    );
  return v;
}

function checkList(text: string, width: number, what: string): void {
  if (text === '') return;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new HistoryFileError(`${what}: not a list.`);
  }
  if (!Array.isArray(v) || v.length > MAX_LIST_ITEMS)
    throw new HistoryFileError(`${what}: not a list of at most ${MAX_LIST_ITEMS} entries.`);
  for (const e of v)
    if (
      !Array.isArray(e) ||
      e.length !== width ||
      e.some((x) => typeof x !== 'string' || x.length > MAX_FIELD_LENGTH)
    )
      throw new HistoryFileError(`${what}: an entry is not ${width} short texts.`);
}

/**
 * Checks every value of a chunk read from outside (an imported file), and returns it with typed columns. Throws a
 * HistoryFileError naming the first thing wrong; `where` says which chunk.
 */
export function checkChunk(raw: unknown, where: string): PackedChunk {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new HistoryFileError(`${where} is not an object.`);
  const o = raw as Record<string, unknown>;
  const n = count(o.n, CHUNK_LIMITS.reports, `${where}: the number of reports`);
  if (!Array.isArray(o.strings) || o.strings.length > CHUNK_LIMITS.strings)
    throw new HistoryFileError(`${where}: the text table is missing or too long.`);
  const strings = o.strings as unknown[];
  for (let i = 0; i < strings.length; i++) {
    const x = strings[i];
    if (typeof x !== 'string' || x.length > CHUNK_LIMITS.listText)
      throw new HistoryFileError(
        `${where}: text ${i + 1} is not a text of at most ${CHUNK_LIMITS.listText} characters.`,
      );
  }
  const texts = strings as string[];
  if (n > 0 && texts.length === 0) throw new HistoryFileError(`${where}: reports but no text table.`);
  const max = Math.max(0, texts.length - 1);
  const rs = ints(o.rs, n * RT, max, `${where}: report texts`, Uint32Array) as Uint32Array;
  const ro = ints(o.ro, n + 1, CHUNK_LIMITS.records, `${where}: record offsets`, Uint32Array) as Uint32Array;
  const m = ro[n]!;
  if (ro[0] !== 0) throw new HistoryFileError(`${where}: record offsets do not start at 0.`);
  for (let i = 0; i < n; i++)
    if (ro[i + 1]! < ro[i]!)
      throw new HistoryFileError(`${where}: record offsets go backwards at report ${i + 1}.`);
  const cs = ints(o.cs, m * CT, max, `${where}: record texts`, Uint32Array) as Uint32Array;
  const cn = ints(o.cn, m, MAX_RECORD_COUNT, `${where}: message counts`, Uint32Array) as Uint32Array;
  const cf = ints(o.cf, m, 1, `${where}: record flags`, Uint8Array) as Uint8Array;
  const rf = ints(o.rf, n, 1, `${where}: report flags`, Uint8Array) as Uint8Array;
  for (let k = 0; k < m; k++)
    if (cf[k] === 1 && cn[k] !== 0)
      throw new HistoryFileError(`${where}: record ${k + 1} is flagged invalid but counts messages.`);
  if (!(Array.isArray(o.rt) || o.rt instanceof Float64Array) || (o.rt as ArrayLike<unknown>).length !== n * 2)
    throw new HistoryFileError(`${where}: report dates hold the wrong number of values.`);
  const rt = new Float64Array(n * 2);
  for (let i = 0; i < n * 2; i++) {
    const x = (o.rt as ArrayLike<unknown>)[i];
    // JSON has no NaN: a report without dates is written as null.
    const v = x === null ? NaN : x;
    if (
      typeof v !== 'number' ||
      (!Number.isNaN(v) && (!Number.isInteger(v) || Math.abs(v) > MAX_DATE_SECONDS))
    )
      throw new HistoryFileError(
        `${where}: report ${Math.floor(i / 2) + 1}'s ${i % 2 ? 'end' : 'begin'} (${JSON.stringify(x)?.slice(0, 40)}) is not a date in seconds.`,
      );
    rt[i] = v;
  }
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < RT; t++) {
      const text = texts[rs[i * RT + t]!]!;
      const limit = t < 2 ? CHUNK_LIMITS.pathLength : MAX_FIELD_LENGTH;
      if (t === 9) checkErrors(text, `${where}: report ${i + 1}'s errors`);
      else if (text.length > limit)
        throw new HistoryFileError(
          `${where}: report ${i + 1}'s ${REPORT_TEXT[t]} is longer than ${limit} characters.`,
        );
    }
  }
  // Each text is checked once per way it is used (a record's lists repeat across thousands of records).
  const fine = new Set<number>();
  for (let k = 0; k < m; k++) {
    for (let t = 0; t < CT; t++) {
      const at = cs[k * CT + t]!;
      const use = at * 3 + (t < FIRST_LIST ? 0 : t === FIRST_LIST ? 1 : 2);
      if (fine.has(use)) continue;
      const text = texts[at]!;
      if (t >= FIRST_LIST)
        checkList(text, t === FIRST_LIST ? 2 : 4, `${where}: record ${k + 1}'s ${RECORD_TEXT[t]}`);
      else if (text.length > MAX_FIELD_LENGTH)
        throw new HistoryFileError(
          `${where}: record ${k + 1}'s ${RECORD_TEXT[t]} is longer than ${MAX_FIELD_LENGTH} characters.`,
        );
      fine.add(use);
    }
  }
  const added = typeof o.added === 'number' && Number.isFinite(o.added) ? o.added : 0;
  // The day is recomputed from the dates, never taken from the file: it decides which range reads the chunk.
  const firstBegin = n ? rt[0]! : NaN;
  const day = dayNumber(Number.isNaN(firstBegin) ? null : firstBegin);
  for (let i = 0; i < n; i++) {
    const b = rt[i * 2]!;
    if (dayNumber(Number.isNaN(b) ? null : b) !== day)
      throw new HistoryFileError(
        `${where}: report ${i + 1} begins on another day than the chunk's first report.`,
      );
  }
  const deadRaw = o.dead ?? [];
  if (!Array.isArray(deadRaw)) throw new HistoryFileError(`${where}: the replaced reports are not a list.`);
  const dead = [
    ...ints(deadRaw, deadRaw.length, Math.max(0, n - 1), `${where}: replaced reports`, Uint32Array),
  ];
  return { day, added, strings: texts, n, rs, rt, rf, ro, cs, cn, cf, dead };
}

function checkErrors(text: string, what: string): void {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new HistoryFileError(`${what}: not a list.`);
  }
  if (
    !Array.isArray(v) ||
    v.length > MAX_LIST_ITEMS ||
    v.some((x) => typeof x !== 'string' || x.length > MAX_FIELD_LENGTH)
  )
    throw new HistoryFileError(`${what}: not a list of at most ${MAX_LIST_ITEMS} short texts.`);
}
