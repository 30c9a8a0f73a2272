/**
 * Records packed to cross from the CLI's second thread: one list of distinct strings and one Float64Array (moved,
 * not copied). Cloning tens of thousands of small record objects one by one costs both threads far more than the
 * parsing they came from; this costs a pass over the fields on each side. Everything else in a Collector is few
 * objects and is cloned as it is.
 */
import type { Collector } from './core.ts';
import type { DkimAuth, DmarcRecord, OverrideReason, SpfAuth } from './types.ts';

export interface PackedCollector {
  /** The collector without its records. */
  rest: Omit<Collector, 'recordsByReport'>;
  /** The records as they were, when they do not have the shape this packer knows. */
  records?: DmarcRecord[][];
  strings?: string[];
  data?: Float64Array;
}

/** The fields of a record in the order the parser creates them: the unpacked objects keep that order. */
const RECORD_KEYS = [
  'report',
  'sender',
  'sourceIp',
  'count',
  'isCountInvalid',
  'disposition',
  'dkim',
  'spf',
  'isDmarcPass',
  'reasons',
  'headerFrom',
  'envelopeFrom',
  'envelopeTo',
  'dkimAuth',
  'spfAuth',
].join();
const REASON_KEYS = 'type,comment';
const DKIM_KEYS = 'domain,selector,result,humanResult';
const SPF_KEYS = 'domain,scope,result,humanResult';

const keysOf = (o: object) => Object.keys(o).join();

/**
 * Whether the records have the fields packed here, as seen on the first record (and the first item of each list)
 * of a run: every record comes from the same parser. A field added to the type must not be lost on the way; the
 * tests check the round trip on whole corpora.
 */
function isPackable(byReport: readonly DmarcRecord[][]): boolean {
  const checked = { record: false, reason: false, dkim: false, spf: false };
  for (const records of byReport) {
    if (checked.record && checked.reason && checked.dkim && checked.spf) break;
    for (const r of records) {
      if (!checked.record) {
        if (keysOf(r) !== RECORD_KEYS) return false;
        checked.record = true;
      }
      if (!checked.reason && r.reasons[0]) {
        if (keysOf(r.reasons[0]) !== REASON_KEYS) return false;
        checked.reason = true;
      }
      if (!checked.dkim && r.dkimAuth[0]) {
        if (keysOf(r.dkimAuth[0]) !== DKIM_KEYS) return false;
        checked.dkim = true;
      }
      if (!checked.spf && r.spfAuth[0]) {
        if (keysOf(r.spfAuth[0]) !== SPF_KEYS) return false;
        checked.spf = true;
      }
    }
  }
  return true;
}

export function packCollector(c: Collector): { packed: PackedCollector; transfer: ArrayBuffer[] } {
  const { recordsByReport, ...rest } = c;
  if (!isPackable(recordsByReport)) return { packed: { rest, records: recordsByReport }, transfer: [] };
  let size = 1 + recordsByReport.length;
  for (const records of recordsByReport)
    for (const r of records) size += 15 + 2 * r.reasons.length + 4 * (r.dkimAuth.length + r.spfAuth.length);
  const data = new Float64Array(size);
  const strings: string[] = [];
  const index = new Map<string, number>();
  const s = (v: string): number => {
    let i = index.get(v);
    if (i === undefined) {
      i = strings.length;
      strings.push(v);
      index.set(v, i);
    }
    return i;
  };
  let at = 0;
  data[at++] = recordsByReport.length;
  for (const records of recordsByReport) {
    data[at++] = records.length;
    for (const r of records) {
      data[at++] = r.report;
      data[at++] = r.sender;
      data[at++] = s(r.sourceIp);
      data[at++] = r.count;
      data[at++] = r.isCountInvalid ? 1 : 0;
      data[at++] = s(r.disposition);
      data[at++] = s(r.dkim);
      data[at++] = s(r.spf);
      data[at++] = r.isDmarcPass ? 1 : 0;
      data[at++] = s(r.headerFrom);
      data[at++] = s(r.envelopeFrom);
      data[at++] = s(r.envelopeTo);
      data[at++] = r.reasons.length;
      for (const x of r.reasons) {
        data[at++] = s(x.type);
        data[at++] = s(x.comment);
      }
      data[at++] = r.dkimAuth.length;
      for (const x of r.dkimAuth) {
        data[at++] = s(x.domain);
        data[at++] = s(x.selector);
        data[at++] = s(x.result);
        data[at++] = s(x.humanResult);
      }
      data[at++] = r.spfAuth.length;
      for (const x of r.spfAuth) {
        data[at++] = s(x.domain);
        data[at++] = s(x.scope);
        data[at++] = s(x.result);
        data[at++] = s(x.humanResult);
      }
    }
  }
  return { packed: { rest, strings, data }, transfer: [data.buffer as ArrayBuffer] };
}

export function unpackCollector(p: PackedCollector): Collector {
  if (p.records) return { ...p.rest, recordsByReport: p.records };
  const strings = p.strings!;
  const data = p.data!;
  let at = 0;
  const s = () => strings[data[at++]!]!;
  const recordsByReport: DmarcRecord[][] = new Array(data[at++]!);
  for (let i = 0; i < recordsByReport.length; i++) {
    const records: DmarcRecord[] = new Array(data[at++]!);
    for (let j = 0; j < records.length; j++) {
      const report = data[at++]!;
      const sender = data[at++]!;
      const sourceIp = s();
      const count = data[at++]!;
      const isCountInvalid = data[at++] === 1;
      const disposition = s();
      const dkim = s();
      const spf = s();
      const isDmarcPass = data[at++] === 1;
      const headerFrom = s();
      const envelopeFrom = s();
      const envelopeTo = s();
      const reasons: OverrideReason[] = new Array(data[at++]!);
      for (let k = 0; k < reasons.length; k++) reasons[k] = { type: s(), comment: s() };
      const dkimAuth: DkimAuth[] = new Array(data[at++]!);
      for (let k = 0; k < dkimAuth.length; k++)
        dkimAuth[k] = { domain: s(), selector: s(), result: s(), humanResult: s() };
      const spfAuth: SpfAuth[] = new Array(data[at++]!);
      for (let k = 0; k < spfAuth.length; k++)
        spfAuth[k] = { domain: s(), scope: s(), result: s(), humanResult: s() };
      records[j] = {
        report,
        sender,
        sourceIp,
        count,
        isCountInvalid,
        disposition,
        dkim,
        spf,
        isDmarcPass,
        reasons,
        headerFrom,
        envelopeFrom,
        envelopeTo,
        dkimAuth,
        spfAuth,
      };
    }
    recordsByReport[i] = records;
  }
  return { ...p.rest, recordsByReport };
}
