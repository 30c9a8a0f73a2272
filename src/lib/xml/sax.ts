import { SaxesParser, type SaxesTagPlain } from 'saxes';

/** Receives the document as a stream of events. Names are local names: any `prefix:` is removed. */
export interface XmlHandler {
  open(name: string, attributes: Record<string, string>): void;
  text(text: string): void;
  close(name: string): void;
}

export interface XmlSyntaxError {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface XmlReadOptions {
  /** Deeper element nesting is refused: no real report goes past 6, and a deep document only costs memory. */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 64;

class Stop extends Error {
  constructor(readonly detail: XmlSyntaxError) {
    super(detail.message);
  }
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/** Leading whitespace (and stray BOMs) before `<?xml` is a common exporter slip; XML forbids it, we skip it. */
export function skipLeadingSpace(text: string): { start: number; lines: number } {
  let start = 0;
  let lines = 0;
  while (start < text.length) {
    const c = text.charCodeAt(start);
    if (c === 0x0a) lines++;
    else if (c !== 0x20 && c !== 0x09 && c !== 0x0d && c !== 0xfeff) break;
    start++;
  }
  return { start, lines };
}

/**
 * The hot-path reader: saxes, a streaming, well-formedness-checking parser, with the hardening this project applies
 * to every XML input. A DOCTYPE is refused outright (no DTD, so no entity can be declared, so nothing expands: the
 * billion-laughs and external-entity families cannot start); saxes itself knows only the five predefined entities
 * and character references, and reports any other `&name;` as an error. Nesting is capped.
 * Returns undefined when the document was read to the end, or the first syntax error with its position.
 */
export function readXml(
  text: string,
  handler: XmlHandler,
  opts: XmlReadOptions = {},
): XmlSyntaxError | undefined {
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  const { start, lines } = skipLeadingSpace(text);
  const parser = new SaxesParser({ xmlns: false, position: true });
  let depth = 0;
  const stop = (message: string): never => {
    // saxes has just read the character that made the error: its 0-based "next" column is that character's 1-based one.
    throw new Stop({ message, line: parser.line + lines, column: Math.max(parser.column, 1) });
  };
  parser.on('error', (err) => {
    stop(err.message.replace(/^\d+:\d+: /, ''));
  });
  parser.on('doctype', () => {
    // Reported where it starts, not where saxes finished reading it.
    const at = text.indexOf('<!DOCTYPE', start);
    const before = text.slice(start, Math.max(at, start));
    const line = (before.match(/\n/g) ?? []).length + 1;
    throw new Stop({
      message: 'A DOCTYPE (DTD) is not allowed: it can declare entities that expand without limit.',
      line: line + lines,
      column: at - start - before.lastIndexOf('\n'),
    });
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    if (++depth > maxDepth) stop(`Elements are nested more than ${maxDepth} deep.`);
    handler.open(localName(tag.name), tag.attributes);
  });
  // saxes sends closetag for self-closing elements too.
  parser.on('closetag', (tag: SaxesTagPlain) => {
    depth--;
    handler.close(localName(tag.name));
  });
  parser.on('text', (t) => handler.text(t));
  parser.on('cdata', (t) => handler.text(t));
  try {
    parser.write(start === 0 ? text : text.slice(start)).close();
  } catch (e) {
    if (e instanceof Stop) return e.detail;
    throw e;
  }
  return undefined;
}
