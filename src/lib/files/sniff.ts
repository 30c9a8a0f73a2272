import type { Issue } from '../issue.ts';

/**
 * Recognises input that no tool can use before any parser sees it: empty files and well-known binary formats
 * that people drop by mistake (a workbook instead of its CSV, a screenshot, a PDF of the report). Each gets a
 * message that says what the file is and what to do instead, so nobody gets a confident report built on nothing.
 */
export type UnusableCode = 'empty-file' | 'binary-file';

export type BinaryKind = 'png' | 'jpeg' | 'gif' | 'pdf' | 'zip' | 'xlsx' | 'gzip' | 'ole' | 'exe' | 'binary';

export interface SniffOptions {
  /** What the tool wanted, for the message: "a CSV export", "DMARC report JSON". */
  expected: string;
  /** Containers the caller unpacks itself (DMARC reads zip and gzip): not reported as unusable. */
  accepts?: readonly ('zip' | 'gzip')[];
  /** The PowerShell (or steps) that produce a good input, shown as the hint. */
  hint?: string;
}

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => sig.every((v, i) => b[at + i] === v);

function hasAscii(b: Uint8Array, text: string, limit = 4096): boolean {
  const end = Math.min(b.length, limit) - text.length;
  outer: for (let i = 0; i <= end; i++) {
    for (let j = 0; j < text.length; j++) if (b[i + j] !== text.charCodeAt(j)) continue outer;
    return true;
  }
  return false;
}

/** The binary format a file starts with, or undefined when it may be text. */
export function sniffBinary(bytes: Uint8Array): BinaryKind | undefined {
  const b = bytes;
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47])) return 'png';
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x47, 0x49, 0x46, 0x38])) return 'gif';
  if (startsWith(b, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'pdf';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) {
    return hasAscii(b, 'xl/') || hasAscii(b, '[Content_Types].xml') ? 'xlsx' : 'zip';
  }
  if (startsWith(b, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(b, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'ole';
  if (startsWith(b, [0x4d, 0x5a])) return 'exe';
  // BOMs and BOM-less UTF-16 are text; anything else with control bytes in its first 4 KiB is not.
  if (startsWith(b, [0xef, 0xbb, 0xbf]) || startsWith(b, [0xff, 0xfe]) || startsWith(b, [0xfe, 0xff]))
    return undefined;
  const n = Math.min(b.length - (b.length % 2), 4096);
  let evenZero = 0;
  let oddZero = 0;
  let control = 0;
  for (let i = 0; i < n; i++) {
    const v = b[i]!;
    if (v === 0) {
      if (i % 2 === 0) evenZero++;
      else oddZero++;
    } else if (v < 0x09 || (v > 0x0d && v < 0x20 && v !== 0x1a && v !== 0x1b)) control++;
  }
  const pairs = n / 2;
  const utf16 =
    (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) || (evenZero > pairs * 0.4 && oddZero < pairs * 0.05);
  if (utf16) return control > n * 0.1 ? 'binary' : undefined;
  return evenZero + oddZero + control > Math.max(2, n * 0.01) ? 'binary' : undefined;
}

const WHAT: Record<BinaryKind, string> = {
  png: 'a PNG image',
  jpeg: 'a JPEG image',
  gif: 'a GIF image',
  pdf: 'a PDF document',
  zip: 'a zip archive',
  xlsx: 'an Excel workbook (.xlsx)',
  gzip: 'a gzip-compressed file',
  ole: 'an old Office document (.xls/.doc) or Outlook .msg',
  exe: 'a Windows program',
  binary: 'binary data, not text',
};

/**
 * An error Issue when the bytes cannot be the input the tool expects (empty, whitespace only, or a binary
 * format); undefined when parsing should go ahead. Header-only and "wrong export" checks stay with each tool,
 * which knows its columns.
 */
export function unusableInput(
  file: string,
  bytes: Uint8Array,
  opts: SniffOptions,
): Issue<UnusableCode> | undefined {
  let blank = true;
  for (let i = 0; i < bytes.length && i < 65536; i++) {
    const v = bytes[i]!;
    // Whitespace, NULs and BOM bytes only count as empty.
    if (!(
      v === 0x20 ||
      v === 0x09 ||
      v === 0x0a ||
      v === 0x0d ||
      v === 0 ||
      v === 0xef ||
      v === 0xbb ||
      v === 0xbf ||
      v === 0xff ||
      v === 0xfe
    )) {
      blank = false;
      break;
    }
  }
  if (bytes.length === 0 || (blank && bytes.length <= 65536)) {
    return {
      code: 'empty-file',
      severity: 'error',
      file,
      message: `${file} is empty${bytes.length ? ' (only white space)' : ''}: expected ${opts.expected}.`,
      hint: opts.hint,
    };
  }
  const kind = sniffBinary(bytes);
  if (!kind) return undefined;
  if ((kind === 'zip' || kind === 'gzip') && opts.accepts?.includes(kind)) return undefined;
  const advice =
    kind === 'xlsx' || kind === 'ole'
      ? ' Open it in Excel and use File › Save As › "CSV UTF-8 (Comma delimited)", or export straight to CSV with PowerShell.'
      : kind === 'zip' || kind === 'gzip'
        ? ' Unpack it and drop the file inside.'
        : '';
  return {
    code: 'binary-file',
    severity: 'error',
    file,
    message: `${file} is ${WHAT[kind]}, not ${opts.expected}.${advice}`,
    hint: opts.hint,
  };
}
