import type { Issue } from '../issue.ts';
import { decodeWindows1252 } from '../text/windows-1252.ts';

export type XmlDecodeCode = 'xml-encoding-fallback' | 'xml-unknown-encoding';

export interface DecodedXml {
  text: string;
  /** The encoding the text was read with, as a WHATWG label. */
  encoding: string;
  issues: Issue<XmlDecodeCode>[];
}

const ASCII = new TextDecoder('ascii');
// One of each, made once: a decoder without `stream` keeps no state between calls, and making one per document
// cost more than decoding a small report.
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF16LE = new TextDecoder('utf-16le');
const UTF16BE = new TextDecoder('utf-16be');

/** The `encoding="…"` of an XML declaration, read from the first bytes (which are ASCII in every encoding we accept). */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = ASCII.decode(bytes.subarray(0, 200));
  const decl = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head);
  return decl?.[1]?.toLowerCase();
}

function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label);
  } catch {
    return undefined;
  }
}

/**
 * XML bytes → text, by the rules of XML 1.0 appendix F: a BOM wins, then UTF-16 recognised by its zero bytes, then
 * the declared encoding; undeclared means UTF-8. Receivers do not always keep their word: a report that declares
 * UTF-8 but holds Windows-1252 bytes (a Latin-1 org name) is read as Windows-1252 with a warning instead of being lost.
 */
export function decodeXml(bytes: Uint8Array, file?: string): DecodedXml {
  const issues: Issue<XmlDecodeCode>[] = [];
  const [b0, b1, b2] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) {
    return decodeUtf8(bytes.subarray(3), file, issues);
  }
  if (b0 === 0xff && b1 === 0xfe)
    return { text: UTF16LE.decode(bytes.subarray(2)), encoding: 'utf-16le', issues };
  if (b0 === 0xfe && b1 === 0xff)
    return { text: UTF16BE.decode(bytes.subarray(2)), encoding: 'utf-16be', issues };
  if (b0 === 0x3c && b1 === 0x00 && b2 === 0x3f)
    return { text: UTF16LE.decode(bytes), encoding: 'utf-16le', issues };
  if (b0 === 0x00 && b1 === 0x3c && bytes[3] === 0x3f)
    return { text: UTF16BE.decode(bytes), encoding: 'utf-16be', issues };
  const declared = declaredEncoding(bytes);
  if (declared && declared !== 'utf-8' && declared !== 'utf8') {
    const decoder = decoderFor(declared);
    if (decoder && decoder.encoding === 'windows-1252')
      return { text: decodeWindows1252(bytes), encoding: 'windows-1252', issues };
    if (decoder && decoder.encoding !== 'utf-8') {
      return { text: decoder.decode(bytes), encoding: decoder.encoding, issues };
    }
    if (!decoder) {
      issues.push({
        code: 'xml-unknown-encoding',
        severity: 'warning',
        file,
        message: `The XML declares the unknown encoding "${declared}"; it was read as UTF-8.`,
      });
    }
  }
  return decodeUtf8(bytes, file, issues);
}

function decodeUtf8(bytes: Uint8Array, file: string | undefined, issues: Issue<XmlDecodeCode>[]): DecodedXml {
  try {
    return { text: UTF8.decode(bytes), encoding: 'utf-8', issues };
  } catch {
    issues.push({
      code: 'xml-encoding-fallback',
      severity: 'warning',
      file,
      message:
        'The XML is not valid UTF-8 although it says so; it was read as Windows-1252 (Western European).',
    });
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252', issues };
  }
}
