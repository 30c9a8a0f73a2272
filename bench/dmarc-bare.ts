import { SaxesParser } from 'saxes';
import { XMLParser } from 'fast-xml-parser';
import type { NamedBytes } from '../src/lib/issue.ts';
import { unpack } from '../src/lib/files/unpack.ts';
import { decodeXml } from '../src/lib/xml/decode.ts';

/** Every XML document inside the files, decompressed and decoded: what the bare parses are given. */
export function xmlTexts(files: NamedBytes[]): string[] {
  const out: string[] = [];
  for (const f of files) {
    for (const item of unpack(f)) {
      if (item.kind !== 'entry') continue;
      const text = decodeXml(item.bytes).text;
      if (/^[\s\ufeff]*</.test(text)) out.push(text);
    }
  }
  return out;
}

/** saxes with the three events a consumer needs and nothing done in them. */
export function bareSaxes(texts: string[]): number {
  let events = 0;
  for (const t of texts) {
    const p = new SaxesParser({ position: true });
    p.on('opentag', () => events++);
    p.on('text', () => events++);
    p.on('closetag', () => events++);
    p.on('error', () => undefined);
    try {
      p.write(t.replace(/^[\s\ufeff]+/, '')).close();
    } catch {
      // Broken corpus files: the parse up to the error still counts.
    }
  }
  return events;
}

/** fast-xml-parser 5 with its defaults for values, entity processing off, to objects. */
export function bareFxp(texts: string[]): number {
  const parser = new XMLParser({ processEntities: false });
  let n = 0;
  for (const t of texts) {
    try {
      n += Object.keys(parser.parse(t) as object).length;
    } catch {
      // Broken corpus files.
    }
  }
  return n;
}
