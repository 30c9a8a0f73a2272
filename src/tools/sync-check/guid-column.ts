/**
 * GUID keys (objectGUIDs, anchors, Entra ids) as four 32-bit words in typed arrays beside the users, parsed
 * while the row is fresh in the cache. The de-duplication and the anchor join of 200,000-user exports then
 * compare numbers in a few megabytes instead of hashing and re-reading strings scattered over the whole
 * export. A key that is not lowercase `D` GUID text (a `text:` anchor, an odd id) keeps its string.
 */

import { guidWords } from './anchors.ts';

const NONE = 0;
const GUID = 1;
const TEXT = 2;
const NUMBER = 3;

export class GuidColumn {
  /** Four words per position. */
  words: Int32Array;
  /**
   * Per position: NONE (no key), GUID (the words), TEXT (only the string identifies it), or NUMBER (a key
   * compared by its string, filed under a number from its first characters).
   */
  kinds: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.words = new Int32Array(4 * capacity);
    this.kinds = new Uint8Array(capacity);
  }

  static of(keys: readonly (string | null)[], isGuid = true): GuidColumn {
    const c = new GuidColumn(keys.length);
    for (const k of keys) c.push(k, isGuid);
    return c;
  }

  /**
   * Appends a key. GUID keys (anchors, which the join compares for every user) keep their 128 bits; other keys
   * (`isGuid` false: the de-duplication keys, which rarely repeat) only a number read from their start.
   */
  push(key: string | null, isGuid = true): void {
    if (this.length === this.kinds.length) this.#grow(this.length * 2);
    this.set(this.length++, key, isGuid);
  }

  set(i: number, key: string | null, isGuid = true): void {
    if (!key) {
      this.kinds[i] = NONE;
      return;
    }
    if (!isGuid) {
      this.kinds[i] = NUMBER;
      this.words[4 * i] = keyNumber(key);
      return;
    }
    const w = guidWords(key);
    if (!w) {
      this.kinds[i] = TEXT;
      return;
    }
    this.kinds[i] = GUID;
    this.words.set(w, 4 * i);
  }

  append(other: GuidColumn): void {
    if (this.length + other.length > this.kinds.length) this.#grow(this.length + other.length);
    this.words.set(other.words.subarray(0, 4 * other.length), 4 * this.length);
    this.kinds.set(other.kinds.subarray(0, other.length), this.length);
    this.length += other.length;
  }

  /** The keys at `positions`, in that order. */
  select(positions: ArrayLike<number>): GuidColumn {
    const c = new GuidColumn(positions.length);
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k]!;
      c.words.set(this.words.subarray(4 * p, 4 * p + 4), 4 * k);
      c.kinds[k] = this.kinds[p]!;
    }
    c.length = positions.length;
    return c;
  }

  #grow(capacity: number): void {
    const words = new Int32Array(4 * capacity);
    words.set(this.words);
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    this.words = words;
    this.kinds = kinds;
  }
}

/** The first seven characters read as hex digits: a number below 2^28 (other characters give some number too). */
function keyNumber(key: string): number {
  let n = 0;
  const end = key.length < 7 ? key.length : 7;
  for (let k = 0; k < end; k++) {
    const c = key.charCodeAt(k);
    n = (n << 4) | ((c <= 57 ? c - 48 : (c | 32) - 87) & 15);
  }
  return n;
}

/**
 * First position of each key of a column. A Map on 28 bits of the first word finds the candidate; the four
 * words confirm it. Keys without words, and the rare GUID whose 28 bits an earlier, different GUID took, go to
 * a Map on the text, which `keyOf` supplies.
 */
export class GuidIndex {
  readonly #column: GuidColumn;
  readonly #keyOf: (i: number) => string | null;
  readonly #byNumber = new Map<number, number>();
  readonly #byText = new Map<string, number>();

  constructor(column: GuidColumn, keyOf: (i: number) => string | null) {
    this.#column = column;
    this.#keyOf = keyOf;
  }

  /** Records position i unless its key is recorded already; the first position with that key (i when new). */
  add(i: number): number {
    const c = this.#column;
    const kind = c.kinds[i];
    if (kind === GUID || kind === NUMBER) {
      const n = c.words[4 * i]! & 0xfffffff;
      const first = this.#byNumber.get(n);
      if (first === undefined) {
        this.#byNumber.set(n, i);
        return i;
      }
      if (
        kind === GUID ? sameWords(c.words, 4 * first, c.words, 4 * i) : this.#keyOf(first) === this.#keyOf(i)
      )
        return first;
    } else if (kind !== TEXT) return i;
    const key = this.#keyOf(i)!;
    const other = this.#byText.get(key);
    if (other !== undefined) return other;
    this.#byText.set(key, i);
    return i;
  }

  /** The first recorded position whose key equals position j of `other`, or -1. */
  find(other: GuidColumn, j: number, key: string | null): number {
    const kind = other.kinds[j];
    if (kind === GUID) {
      const first = this.#byNumber.get(other.words[4 * j]! & 0xfffffff);
      if (first === undefined) return -1;
      if (sameWords(this.#column.words, 4 * first, other.words, 4 * j)) return first;
    } else if (kind !== TEXT) return -1;
    return key === null ? -1 : (this.#byText.get(key) ?? -1);
  }
}

function sameWords(a: Int32Array, i: number, b: Int32Array, j: number): boolean {
  return a[i] === b[j] && a[i + 1] === b[j + 1] && a[i + 2] === b[j + 2] && a[i + 3] === b[j + 3];
}
