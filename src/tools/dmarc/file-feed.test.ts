import { describe, expect, it } from 'vitest';
import { FileFeed, feedHandles } from './file-feed.ts';

const text = (b: Uint8Array) => new TextDecoder().decode(b);
const blobs = (n: number) => Array.from({ length: n }, (_, i) => new Blob([`file ${i} `.repeat(i % 5)]));

async function readAll(feed: FileFeed): Promise<string[]> {
  const out: string[] = [];
  for (const f of feed.files) out.push(text(await f.read()));
  return out;
}

describe('FileFeed', () => {
  it('gives every file its own bytes, in order, across groups of any size', async () => {
    const all = blobs(50);
    const expected = await Promise.all(all.map(async (b) => text(new Uint8Array(await b.arrayBuffer()))));
    for (const opts of [{ groupFiles: 1 }, { groupFiles: 7 }, { groupBytes: 20 }, {}]) {
      const feed = new FileFeed(
        all.map((_, i) => `f${i}`),
        opts,
      );
      feed.add(0, all);
      expect(await readAll(feed)).toEqual(expected);
      expect(feed.files.map((f) => f.name)).toEqual(all.map((_, i) => `f${i}`));
    }
  });

  it('reads the first files while the later handles are still arriving', async () => {
    const all = blobs(10);
    const feed = new FileFeed(all.map((_, i) => `f${i}`));
    feed.add(0, all.slice(0, 3));
    expect(text(await feed.files[0]!.read())).toBe('');
    expect(text(await feed.files[2]!.read())).toBe('file 2 file 2 ');
    const later = feed.files[3]!.read();
    feed.add(3, all.slice(3));
    expect(text(await later)).toBe('file 3 file 3 file 3 ');
    expect(feed.arrived).toBe(10);
  });

  it('a read still waiting for its handle fails when the feed is closed', async () => {
    const feed = new FileFeed(['a', 'b']);
    feed.add(0, [new Blob(['a'])]);
    expect(text(await feed.files[0]!.read())).toBe('a');
    const waiting = feed.files[1]!.read();
    feed.close(new DOMException('Cancelled', 'AbortError'));
    await expect(waiting).rejects.toThrow('Cancelled');
  });

  it('opens handles many at once, in any order, each file landing at its place; one that fails fails alone', async () => {
    const all = blobs(20);
    // Handles answer in reverse order, and the 5th cannot be opened (removed since it was listed).
    const handles = all.map((b, i) => ({
      kind: 'file' as const,
      name: `f${i}`,
      getFile: () =>
        new Promise<Blob>((resolve, reject) =>
          setTimeout(() => (i === 5 ? reject(new Error('gone')) : resolve(b)), 40 - 2 * i),
        ),
    }));
    const feed = new FileFeed(['page.xml', ...all.map((_, i) => `f${i}`)], { groupFiles: 4 });
    feed.add(0, [new Blob(['from the page'])]);
    const opening = feedHandles(feed, 1, handles, 8);
    const out: string[] = [];
    for (const f of feed.files) {
      try {
        out.push(text(await f.read()));
      } catch (e) {
        out.push(`failed: ${(e as Error).message}`);
      }
    }
    await opening;
    const expected = await Promise.all(all.map(async (b) => text(new Uint8Array(await b.arrayBuffer()))));
    expected[5] = 'failed: gone';
    expect(out).toEqual(['from the page', ...expected]);
  });
});
