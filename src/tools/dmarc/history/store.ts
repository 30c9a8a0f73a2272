import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { reportKey } from '../aggregate.ts';
import { dayNumber, NO_DAY, packChunk, unpackChunk, type KeptReport, type PackedChunk } from './pack.ts';

/**
 * The reports kept in this browser (IndexedDB, opened in the DMARC worker, never on the page's thread). Reports are
 * stored packed, one object per added batch and day (`pack.ts`); a small index maps each report's key — the same
 * key the tool de-duplicates a drop with (`reportKey`) — to where its kept copy is, so a report is kept once across
 * visits. Of two copies the one with more records is kept, as within one drop.
 */

export const HISTORY_DB = 'hybrid-toolbox-dmarc-history';

interface KeyEntry {
  chunk: number;
  slot: number;
  records: number;
}

/** Totals of what is kept, updated in the same transaction as every change. */
export interface HistoryMeta {
  reports: number;
  records: number;
  /** First and last UTC day of kept reports' begin (days since 1970); null when nothing dated is kept. */
  firstDay: number | null;
  lastDay: number | null;
}

interface Schema extends DBSchema {
  chunks: { key: number; value: PackedChunk; indexes: { day: number } };
  keys: { key: string; value: KeyEntry };
  meta: { key: string; value: HistoryMeta };
}

export interface AddOutcome {
  /** Reports not kept before. */
  added: number;
  /** Kept before with fewer records: the new copy replaced them. */
  replaced: number;
  /** Kept before (with as many records or more): not added again. */
  duplicates: number;
}

/** Inclusive UTC days since 1970 of the reports' begin; either end open. */
export interface DayRange {
  from?: number;
  to?: number;
}

const EMPTY_META: HistoryMeta = { reports: 0, records: 0, firstDay: null, lastDay: null };
/** Above this many reports one read of every key beats a read per report. */
const BULK_KEYS = 2000;

export class HistoryStore {
  private constructor(private readonly db: IDBPDatabase<Schema>) {}

  static async open(name = HISTORY_DB): Promise<HistoryStore> {
    const db = await openDB<Schema>(name, 1, {
      upgrade(db) {
        db.createObjectStore('chunks', { keyPath: 'id', autoIncrement: true }).createIndex('day', 'day');
        db.createObjectStore('keys');
        db.createObjectStore('meta');
      },
    });
    return new HistoryStore(db);
  }

  close(): void {
    this.db.close();
  }

  async meta(): Promise<HistoryMeta> {
    return (await this.db.get('meta', 'totals')) ?? { ...EMPTY_META };
  }

  /**
   * Keeps reports (unique ones of a drop, or an imported file's), in one transaction: either all of them are
   * kept or, on any failure, nothing changes.
   */
  async add(items: readonly KeptReport[], added = Date.now()): Promise<AddOutcome> {
    const outcome: AddOutcome = { added: 0, replaced: 0, duplicates: 0 };
    if (items.length === 0) return outcome;
    const tx = this.db.transaction(['chunks', 'keys', 'meta'], 'readwrite');
    const chunks = tx.objectStore('chunks');
    const keys = tx.objectStore('keys');
    const meta = (await tx.objectStore('meta').get('totals')) ?? { ...EMPTY_META };
    const itemKeys = items.map((it) => reportKey(it.report));
    let known: (KeyEntry | undefined)[];
    if (items.length > BULK_KEYS) {
      const [all, values] = await Promise.all([keys.getAllKeys(), keys.getAll()]);
      const map = new Map<string, KeyEntry>();
      for (let i = 0; i < all.length; i++) map.set(all[i]!, values[i]!);
      known = itemKeys.map((k) => map.get(k));
    } else known = await Promise.all(itemKeys.map((k) => keys.get(k)));
    // Within the batch too, the copy with more records wins.
    const best = new Map<string, number>();
    for (let i = 0; i < items.length; i++) {
      const k = itemKeys[i]!;
      const prev = best.get(k);
      if (prev !== undefined) outcome.duplicates++;
      if (prev === undefined || items[i]!.records.length > items[prev]!.records.length) best.set(k, i);
    }
    const byDay = new Map<number, number[]>();
    const deadBy = new Map<number, number[]>();
    for (const i of best.values()) {
      const old = known[i];
      const records = items[i]!.records.length;
      if (old && old.records >= records) {
        outcome.duplicates++;
        continue;
      }
      if (old) {
        outcome.replaced++;
        (deadBy.get(old.chunk) ?? deadBy.set(old.chunk, []).get(old.chunk)!).push(old.slot);
        meta.reports--;
        meta.records -= old.records;
      } else outcome.added++;
      const day = dayNumber(items[i]!.report.begin);
      (byDay.get(day) ?? byDay.set(day, []).get(day)!).push(i);
    }
    for (const [chunkId, slots] of deadBy) {
      const c = await chunks.get(chunkId);
      if (!c) continue;
      c.dead.push(...slots);
      await chunks.put(c);
    }
    const writes: Promise<unknown>[] = [];
    for (const [day, list] of byDay) {
      const id = await chunks.add(
        packChunk(
          list.map((i) => items[i]!),
          day,
          added,
        ),
      );
      list.forEach((i, slot) => {
        writes.push(keys.put({ chunk: id, slot, records: items[i]!.records.length }, itemKeys[i]!));
        meta.reports++;
        meta.records += items[i]!.records.length;
      });
      if (day !== NO_DAY) {
        meta.firstDay = meta.firstDay === null ? day : Math.min(meta.firstDay, day);
        meta.lastDay = meta.lastDay === null ? day : Math.max(meta.lastDay, day);
      }
    }
    writes.push(tx.objectStore('meta').put(meta, 'totals'));
    await Promise.all(writes);
    await tx.done;
    return outcome;
  }

  /** The packed chunks whose day lies in the range (every chunk when the range is open at both ends). */
  async chunks(range: DayRange = {}): Promise<PackedChunk[]> {
    if (range.from === undefined && range.to === undefined) return this.db.getAll('chunks');
    const q =
      range.from === undefined
        ? IDBKeyRange.upperBound(range.to!)
        : range.to === undefined
          ? IDBKeyRange.lowerBound(range.from)
          : IDBKeyRange.bound(range.from, range.to);
    return this.db.getAllFromIndex('chunks', 'day', q);
  }

  /** Kept reports whose begin falls on a day in the range. */
  async read(range: DayRange = {}): Promise<KeptReport[]> {
    const out: KeptReport[] = [];
    for (const c of await this.chunks(range)) unpackChunk(c, out);
    return out;
  }

  /** Forgets every kept report. */
  async forget(): Promise<void> {
    const tx = this.db.transaction(['chunks', 'keys', 'meta'], 'readwrite');
    await Promise.all([
      tx.objectStore('chunks').clear(),
      tx.objectStore('keys').clear(),
      tx.objectStore('meta').clear(),
      tx.done,
    ]);
  }
}
