import { describe, expect, it } from 'vitest';
import { FileFeed } from './file-feed.ts';

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
});
