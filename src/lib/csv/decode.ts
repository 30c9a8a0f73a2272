import { InputError, type Issue } from '../issue.ts';
import { decodeWindows1252 } from '../text/windows-1252.ts';

export type TextEncodingName = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'ascii';

export interface DecodedText {
  text: string;
  encoding: TextEncodingName;
  issues: Issue<'lossy-ascii' | 'windows-1252'>[];
}

/** UTF-16 without a BOM still shows itself: every other byte of mostly-ASCII text is zero. */
function sniffUtf16(bytes: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  const n = Math.min(bytes.length - (bytes.length % 2), 4096);
  if (n < 4) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenZero++;
    if (bytes[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/**
 * Node's TextDecoder refuses UTF-16 input of 256 MiB or more in one call ("not valid for encoding utf-16le");
 * decoding in even-sized slices with `stream` gives the same text at any size.
 */
function decodeUtf16(encoding: 'utf-16le' | 'utf-16be', bytes: Uint8Array): string {
  const slice = 1 << 26;
  if (bytes.length <= slice) return new TextDecoder(encoding).decode(bytes);
  const decoder = new TextDecoder(encoding);
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += slice) {
    parts.push(decoder.decode(bytes.subarray(i, i + slice), { stream: i + slice < bytes.length }));
  }
  return parts.join('');
}

/**
 * The longest string V8 (Chrome, Edge, Node) can build: 2^29 − 24 UTF-16 units, about 512 MiB of ASCII or ANSI
 * text and 1 GiB of UTF-16. A file that cannot become one string is refused before decoding, with the cap.
 */
export const MAX_TEXT_LENGTH = 2 ** 29 - 24;

const MIB = 1024 * 1024;

function refuseTooLarge(bytes: Uint8Array, file: string | undefined, isUtf16: boolean): void {
  const units = isUtf16 ? Math.floor(bytes.length / 2) : bytes.length;
  if (units <= MAX_TEXT_LENGTH) return;
  const name = file ?? 'The file';
  throw new InputError({
    code: 'too-large',
    severity: 'error',
    file,
    message: `${name} is ${Math.round(bytes.length / MIB).toLocaleString('en')} MiB: more text than one file can hold here (${isUtf16 ? '1,024 MiB for UTF-16' : '512 MiB for UTF-8 or ANSI; 1,024 MiB for UTF-16'}). Export it in parts (for example one file per OU with -SearchBase, or per domain) and give all the parts together.`,
  });
}

/**
 * Decodes an export the way Windows tools write them: BOM first (PowerShell 5.1 `-Encoding Unicode` is UTF-16LE
 * with BOM, `UTF8` has a BOM), then BOM-less UTF-16, then strict UTF-8, then windows-1252 (Excel "CSV" on a
 * western Windows). PowerShell 5.1's default for Export-Csv is ASCII, which silently turns non-ASCII letters into `?`.
 */
export function decodeText(bytes: Uint8Array, file?: string): DecodedText {
  const issues: DecodedText['issues'] = [];
  const utf16 =
    bytes[0] === 0xff && bytes[1] === 0xfe
      ? 'utf-16le'
      : bytes[0] === 0xfe && bytes[1] === 0xff
        ? 'utf-16be'
        : sniffUtf16(bytes);
  refuseTooLarge(bytes, file, utf16 !== undefined);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom', issues };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: decodeUtf16('utf-16le', bytes.subarray(2)), encoding: 'utf-16le', issues };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: decodeUtf16('utf-16be', bytes.subarray(2)), encoding: 'utf-16be', issues };
  }
  if (utf16) return { text: decodeUtf16(utf16, bytes), encoding: utf16, issues };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    issues.push({
      code: 'windows-1252',
      severity: 'info',
      file,
      message: 'The file is not valid UTF-8; it was read as Windows-1252 (Western European).',
    });
    return { text: decodeWindows1252(bytes), encoding: 'windows-1252', issues };
  }
  // Valid UTF-8 decodes to as many UTF-16 units as bytes only when every byte is ASCII.
  if (text.length !== bytes.length) return { text, encoding: 'utf-8', issues };
  const lossy = text.includes('?') ? /\p{L}\?\p{L}/u.exec(text) : null;
  if (lossy) {
    issues.push({
      code: 'lossy-ascii',
      severity: 'warning',
      file,
      message: `The file is plain ASCII and has "?" inside words (e.g. "${text.slice(Math.max(0, lossy.index - 12), lossy.index + 14).replace(/\s+/g, ' ')}"): letters outside ASCII were probably replaced when it was exported, so names with umlauts or accents will not match.`,
      hint: 'Export again with a Unicode encoding: Export-Csv -NoTypeInformation -Encoding UTF8 (PowerShell 5.1) — PowerShell 7 writes UTF-8 by default.',
    });
  }
  return { text, encoding: 'ascii', issues };
}
