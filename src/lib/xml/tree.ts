import { XMLParser, XMLValidator, type X2jOptions } from 'fast-xml-parser';
import { DEFAULT_MAX_DEPTH, type XmlHandler, type XmlReadOptions, type XmlSyntaxError } from './sax.ts';

export type XmlTreeResult =
  { ok: true; value: Record<string, unknown> } | { ok: false; error: XmlSyntaxError };

export interface XmlTreeOptions extends XmlReadOptions {
  /** Element names (local) that always become arrays, because one child and a list look alike. */
  arrays?: readonly string[];
}

const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The five predefined entities and character references, and nothing else: fast-xml-parser runs with entity
 * processing off (so a DTD can never define one), and this linear pass gives back what well-formed XML means.
 */
export function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-z]{2,4});/g, (whole, ref: string) => {
    if (ref[0] !== '#') return PREDEFINED[ref] ?? whole;
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function positionOf(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: index - lineStart + 1 };
}

/** A DOCTYPE can only stand in the prolog, after the declaration, comments and processing instructions. */
function findDoctype(text: string): number {
  const re = /\s+|<\?[\s\S]*?\?>|<!--[\s\S]*?-->|\ufeff/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    if (!re.exec(text)) break;
    at = re.lastIndex;
  }
  return text.startsWith('<!DOCTYPE', at) ? at : -1;
}

function refuse(text: string): XmlSyntaxError | undefined {
  const doctype = findDoctype(text);
  if (doctype !== -1) {
    return {
      message: 'A DOCTYPE (DTD) is not allowed: it can declare entities that expand without limit.',
      ...positionOf(text, doctype),
    };
  }
  const valid = XMLValidator.validate(text.replace(/^[\s\ufeff]+/, ''), { allowBooleanAttributes: true });
  if (valid !== true) {
    const lead = text.length - text.replace(/^[\s\ufeff]+/, '').length;
    const leadLines = (text.slice(0, lead).match(/\n/g) ?? []).length;
    return { message: valid.err.msg, line: valid.err.line + leadLines, column: valid.err.col };
  }
  return undefined;
}

function baseOptions(opts: XmlTreeOptions): X2jOptions {
  return {
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: opts.maxDepth ?? DEFAULT_MAX_DEPTH,
    tagValueProcessor: (_name, value) => decodeEntities(value),
    attributeValueProcessor: (_name, value) => decodeEntities(value),
  };
}

/**
 * The project's general XML reader: fast-xml-parser, validated first (so a broken file is reported with line and
 * column instead of being half-read), with no DTD and no entity expansion. Values are strings, namespaces dropped.
 */
export function parseXmlTree(text: string, opts: XmlTreeOptions = {}): XmlTreeResult {
  const error = refuse(text);
  if (error) return { ok: false, error };
  const arrays = new Set(opts.arrays ?? []);
  const parser = new XMLParser({ ...baseOptions(opts), isArray: (name) => arrays.has(name) });
  try {
    return { ok: true, value: parser.parse(text) as Record<string, unknown> };
  } catch (e) {
    return { ok: false, error: { message: e instanceof Error ? e.message : String(e), line: 0, column: 0 } };
  }
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function walk(nodes: OrderedNode[], handler: XmlHandler): void {
  for (const node of nodes) {
    for (const key of Object.keys(node)) {
      if (key === ':@') continue;
      const value = node[key];
      if (key === '#text') handler.text(String(value));
      else {
        const attrs: Record<string, string> = {};
        for (const [k, v] of Object.entries(node[':@'] ?? {})) attrs[k.slice(2)] = v;
        const colon = key.indexOf(':');
        const name = colon === -1 ? key : key.slice(colon + 1);
        handler.open(name, attrs);
        walk(value as OrderedNode[], handler);
        handler.close(name);
      }
    }
  }
}

/**
 * The same events as `readXml`, from fast-xml-parser's ordered tree: lets a SAX-style consumer run on either reader
 * (the DMARC benchmark compares them on identical work).
 */
export function walkXmlTree(
  text: string,
  handler: XmlHandler,
  opts: XmlReadOptions = {},
): XmlSyntaxError | undefined {
  const error = refuse(text);
  if (error) return error;
  // Prefixes are removed in walk(), so that xmlns attributes reach the handler as they do from saxes.
  const parser = new XMLParser({
    ...baseOptions(opts),
    preserveOrder: true,
    trimValues: false,
    removeNSPrefix: false,
  });
  let tree: OrderedNode[];
  try {
    tree = parser.parse(text) as OrderedNode[];
  } catch (e) {
    return { message: e instanceof Error ? e.message : String(e), line: 0, column: 0 };
  }
  walk(tree, handler);
  return undefined;
}
