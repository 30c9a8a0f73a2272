import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { gunzipSync, gzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { analyse } from '../core.ts';
import { generateReports } from '../generate.ts';
import { reportKey } from '../aggregate.ts';
import type { DmarcResult } from '../types.ts';
import { exportHistory, HISTORY_FORMAT, importHistory, readHistoryFile } from './file.ts';
import { dayNumber, type KeptReport } from './pack.ts';
import { keptResult } from './roll-up.ts';
import { HistoryStore } from './store.ts';

let n = 0;
const opened: HistoryStore[] = [];
async function fresh(): Promise<HistoryStore> {
  const s = await HistoryStore.open(`test-${++n}`);
  opened.push(s);
  return s;
}
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function unique(r: DmarcResult): KeptReport[] {
  const by = new Map<number, KeptReport>();
  r.reports.forEach((report, i) => {
    if (report.duplicateOf === -1) by.set(i, { report, records: [] });
  });
  for (const rec of r.records) by.get(rec.report)!.records.push(rec);
  return [...by.values()];
}

async function reports(count: number, seed: number): Promise<{ result: DmarcResult; items: KeptReport[] }> {
  const result = await analyse(generateReports({ reports: count, seed }).files);
  return { result, items: unique(result) };
}

/** What the views show, as far as reports say: totals, senders, domains, reporters, days. */
function figures(r: DmarcResult) {
  const { files: _f, filesByStatus: _s, issues: _i, ...totals } = r.totals;
  return {
    totals,
    senders: r.senders.map((s) => [s.name, s.messages, s.dmarcPass, s.records, s.ips.length]),
    domains: r.domains,
    reporters: r.reporters,
    days: r.days,
    readiness: r.readiness,
    dispositions: r.dispositions,
  };
}

const keysOf = (items: KeptReport[]) => items.map((i) => reportKey(i.report)).sort();

describe('HistoryStore', () => {
  it('keeps parsed reports and gives back the same figures as the drop they came from', async () => {
    const s = await fresh();
    const { result, items } = await reports(40, 1);
    expect(await s.add(items)).toEqual({ added: 40, replaced: 0, duplicates: 0 });
    const back = await s.read();
    expect(keysOf(back)).toEqual(keysOf(items));
    expect(figures(keptResult(back))).toEqual(figures(result));
    const meta = await s.meta();
    expect(meta.reports).toBe(40);
    expect(meta.records).toBe(result.records.length);
    const days = items.map((i) => dayNumber(i.report.begin));
    expect(meta.firstDay).toBe(Math.min(...days));
    expect(meta.lastDay).toBe(Math.max(...days));
  });

  it('keeps a report once across two adds, by the key a drop is de-duplicated with', async () => {
    const s = await fresh();
    const a = await reports(30, 2);
    const b = await reports(20, 3);
    await s.add(a.items);
    // The second visit brings ten reports again and twenty new ones.
    expect(await s.add([...a.items.slice(0, 10), ...b.items])).toEqual({
      added: 20,
      replaced: 0,
      duplicates: 10,
    });
    const back = await s.read();
    expect(back).toHaveLength(50);
    expect(new Set(keysOf(back)).size).toBe(50);
    expect((await s.meta()).reports).toBe(50);
  });

  it('replaces a kept report by a copy of it with more records, as within one drop', async () => {
    const s = await fresh();
    const { items } = await reports(5, 4);
    const big = items.find((i) => i.records.length > 1)!;
    const small = { report: { ...big.report }, records: big.records.slice(0, 1) };
    await s.add([small]);
    expect(await s.add([big])).toEqual({ added: 0, replaced: 1, duplicates: 0 });
    const back = await s.read();
    expect(back).toHaveLength(1);
    expect(back[0]!.records).toHaveLength(big.records.length);
    expect((await s.meta()).records).toBe(big.records.length);
    // The smaller copy again changes nothing.
    expect(await s.add([small])).toEqual({ added: 0, replaced: 0, duplicates: 1 });
  });

  it('reads a date range by the reports’ begin day, inclusive', async () => {
    const s = await fresh();
    const { items } = await reports(60, 5);
    await s.add(items);
    const days = [...new Set(items.map((i) => dayNumber(i.report.begin)))].sort((x, y) => x - y);
    const from = days[2]!;
    const to = days[days.length - 3]!;
    const want = items.filter((i) => {
      const d = dayNumber(i.report.begin);
      return d >= from && d <= to;
    });
    expect(keysOf(await s.read({ from, to }))).toEqual(keysOf(want));
    expect(keysOf(await s.read({ from: to + 1 }))).toEqual(
      keysOf(items.filter((i) => dayNumber(i.report.begin) > to)),
    );
    expect(keysOf(await s.read({ to: from - 1 }))).toEqual(
      keysOf(items.filter((i) => dayNumber(i.report.begin) < from)),
    );
  });

  it('forgets everything', async () => {
    const s = await fresh();
    await s.add((await reports(10, 6)).items);
    await s.forget();
    expect(await s.read()).toEqual([]);
    expect(await s.meta()).toEqual({ reports: 0, records: 0, firstDay: null, lastDay: null });
    // And keeps again afterwards, from scratch.
    expect((await s.add((await reports(3, 6)).items)).added).toBe(3);
  });
});

describe('history file', () => {
  it('round-trips: export, import into another browser, same figures; importing again adds nothing', async () => {
    const a = await fresh();
    const { result, items } = await reports(50, 7);
    await a.add(items);
    const file = await exportHistory(a);
    expect([file[0], file[1]]).toEqual([0x1f, 0x8b]);
    const b = await fresh();
    const first = await importHistory(b, file);
    expect(first).toEqual({ isOk: true, reports: 50, added: 50, replaced: 0, duplicates: 0 });
    expect(figures(keptResult(await b.read()))).toEqual(figures(result));
    expect(await importHistory(b, file)).toEqual({
      isOk: true,
      reports: 50,
      added: 0,
      replaced: 0,
      duplicates: 50,
    });
    // Merging: what b kept before stays, what the file adds joins it.
    const c = await fresh();
    const other = await reports(10, 8);
    await c.add(other.items);
    await importHistory(c, file);
    expect((await c.meta()).reports).toBe(60);
  });

  const json = (doc: unknown) => gzipSync(new TextEncoder().encode(JSON.stringify(doc)));

  it('names what is wrong with a file it cannot use, and keeps what was kept', async () => {
    const s = await fresh();
    const { items } = await reports(8, 9);
    await s.add(items);
    const good = await exportHistory(s);
    const doc = JSON.parse(new TextDecoder().decode(readRaw(good))) as {
      chunks: { cn: number[]; cs: number[]; rt: (number | null)[]; ro: number[] }[];
    };
    const bad = (edit: (d: typeof doc) => void) => {
      const d = structuredClone(doc);
      edit(d);
      return json(d);
    };
    const cases: [Uint8Array, RegExp][] = [
      [good.subarray(0, good.length >> 1), /cut short/],
      [new TextEncoder().encode('<feedback/>'), /not JSON/],
      [new Uint8Array([0, 1, 2, 255]), /not text/],
      [json({ hello: 1 }), /format mark/],
      [json({ format: HISTORY_FORMAT, version: 2, chunks: [] }), /version 2, written by a newer page/],
      [json({ format: HISTORY_FORMAT, version: '1', chunks: [] }), /version \("1"\)/],
      [
        bad((d) => (d.chunks[0]!.cn[0] = -5)),
        /Part 1 of \d+: message counts, value 1: -5 is not a whole number/,
      ],
      [bad((d) => (d.chunks[0]!.cn[0] = 1.5)), /message counts/],
      [bad((d) => (d.chunks[0]!.cs[3] = 1e9)), /record texts/],
      [bad((d) => d.chunks[0]!.cs.pop()), /record texts holds \d+ values/],
      [bad((d) => (d.chunks[0]!.rt[0] = 1e300)), /begin .* is not a date/],
      [bad((d) => (d.chunks[0]!.ro[0] = 1)), /offsets/],
    ];
    for (const [bytes, message] of cases) {
      const out = await importHistory(s, bytes);
      expect(out.isOk, String(message)).toBe(false);
      if (!out.isOk) expect(out.message).toMatch(message);
    }
    expect(keysOf(await s.read())).toEqual(keysOf(items));
  });

  it('never throws past the import and never changes what is kept on a damaged file (property)', async () => {
    const s = await fresh();
    const { items } = await reports(6, 10);
    await s.add(items);
    const good = await exportHistory(s);
    const text = new TextDecoder().decode(readRaw(good));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // Cut anywhere.
          fc.nat({ max: text.length }).map((k) => new TextEncoder().encode(text.slice(0, k))),
          // A character replaced anywhere.
          fc
            .tuple(
              fc.nat({ max: text.length - 1 }),
              fc.constantFrom('-', '9', '"', 'null', '1e99', '[]', '{}', '.5'),
            )
            .map(([k, c]) => gzipSync(new TextEncoder().encode(text.slice(0, k) + c + text.slice(k + 1)))),
          // Gzip bytes damaged.
          fc.tuple(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([k, x]) => {
            const b = good.slice();
            b[k]! ^= x;
            return b;
          }),
          fc.uint8Array({ maxLength: 200 }),
        ),
        async (bytes) => {
          const before = keysOf(await s.read());
          const out = await importHistory(s, bytes);
          const after = keysOf(await s.read());
          if (!out.isOk) {
            expect(out.message.length).toBeGreaterThan(10);
            expect(after).toEqual(before);
          } else {
            // A damage that still makes a valid file (another org name) is a valid import: it only adds.
            expect(after).toEqual(expect.arrayContaining(before));
            expect(after.length - before.length).toBe(out.added);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads back exactly what it wrote', async () => {
    const s = await fresh();
    const { items } = await reports(12, 11);
    await s.add(items);
    const back = readHistoryFile(await exportHistory(s));
    const strip = (x: KeptReport[]) =>
      x
        .map((i) => ({
          ...i,
          report: { ...i.report, duplicateOf: -1 },
          records: i.records.map((r) => ({ ...r, report: -1, sender: -1 })),
        }))
        .sort((p, q) => (reportKey(p.report) < reportKey(q.report) ? -1 : 1));
    expect(strip(back)).toEqual(strip(items));
  });
});

const readRaw = (gz: Uint8Array) => gunzipSync(gz);
