import { describe, expect, it } from 'vitest';
import { FileFeed } from './file-feed.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const blobs = (n: number) => Array.from({ length: n }, (_, i) => new Blob([`file ${i} `.repeat(i % 5)]));

function addGroup(feed: FileFeed, start: number, parts: Blob[]): void {
  feed.addGroup(
    start,
    new Blob(parts),
    parts.map((b) => b.size),
  );
}

async function readAll(feed: FileFeed): Promise<string[]> {
  const out: string[] = [];
  for (const f of feed.files) out.push(text(await f.read()));
  return out;
}

describe('FileFeed', () => {
  it('gives every file its own bytes, in order, across groups of any size', async () => {
    const all = blobs(50);
    const expected = await Promise.all(all.map(async (b) => text(new Uint8Array(await b.arrayBuffer()))));
    for (const size of [1, 7, 50]) {
      const feed = new FileFeed(all.map((_, i) => `f${i}`));
      for (let s = 0; s < all.length; s += size) addGroup(feed, s, all.slice(s, s + size));
      expect(await readAll(feed)).toEqual(expected);
      expect(feed.files.map((f) => f.name)).toEqual(all.map((_, i) => `f${i}`));
    }
  });

  it('reads the first files while the later groups are still arriving', async () => {
    const all = blobs(10);
    const feed = new FileFeed(all.map((_, i) => `f${i}`));
    addGroup(feed, 0, all.slice(0, 3));
    expect(text(await feed.files[0]!.read())).toBe('');
    expect(text(await feed.files[2]!.read())).toBe('file 2 file 2 ');
    const later = feed.files[8]!.read();
    addGroup(feed, 3, all.slice(3, 7));
    expect(feed.arrived).toBe(7);
    addGroup(feed, 7, all.slice(7));
    expect(text(await later)).toBe('file 8 file 8 file 8 ');
    expect(text(await feed.files[3]!.read())).toBe('file 3 file 3 file 3 ');
    expect(feed.arrived).toBe(10);
  });

  it('a read still waiting for its group fails when the feed is closed', async () => {
    const feed = new FileFeed(['a', 'b']);
    addGroup(feed, 0, [new Blob(['a'])]);
    expect(text(await feed.files[0]!.read())).toBe('a');
    const waiting = feed.files[1]!.read();
    feed.close(new DOMException('Cancelled', 'AbortError'));
    await expect(waiting).rejects.toThrow('Cancelled');
  });

  it('says when a group is being read (the page makes the next groups only then), or when the feed closes', async () => {
    const all = blobs(12);
    const feed = new FileFeed(all.map((_, i) => `f${i}`));
    for (let s = 0; s < 12; s += 3) addGroup(feed, s, all.slice(s, s + 3));
    const started: number[] = [];
    for (const s of [0, 3, 6, 9]) void feed.reading(s).then(() => started.push(s));
    await Promise.resolve();
    expect(started).toEqual([]);
    // Reading the first file starts its group and the two after it.
    await feed.files[0]!.read();
    await new Promise((r) => setTimeout(r, 0));
    expect(started.sort()).toEqual([0, 3, 6]);
    feed.close(new DOMException('Done', 'AbortError'));
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toContain(9);
  });

  it('a group that cannot be read is read again file by file: only the missing file fails', async () => {
    const parts = [new Blob(['one']), new Blob(['two']), new Blob(['three'])];
    const whole = new Blob(parts);
    // As a Blob whose second part was removed from disk reads: the whole fails, and so does any slice touching it.
    const broken = {
      size: whole.size,
      arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotReadableError')),
      slice: (from: number, to: number) =>
        from < 6 && to > 3
          ? { arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotReadableError')) }
          : whole.slice(from, to),
    } as unknown as Blob;
    const feed = new FileFeed(['a', 'b', 'c']);
    feed.addGroup(0, broken, [3, 3, 5]);
    expect(text(await feed.files[0]!.read())).toBe('one');
    await expect(feed.files[1]!.read()).rejects.toThrow('gone');
    expect(text(await feed.files[2]!.read())).toBe('three');
  });

  it('a file the page could not open fails alone, with the reason the page gave', async () => {
    const feed = new FileFeed(['a', 'b', 'c']);
    feed.addGroup(0, new Blob(['one', 'three']), [3, 0, 5], [[1, 'A requested file could not be found.']]);
    expect(text(await feed.files[0]!.read())).toBe('one');
    await expect(feed.files[1]!.read()).rejects.toThrow('A requested file could not be found.');
    expect(text(await feed.files[2]!.read())).toBe('three');
  });
});
