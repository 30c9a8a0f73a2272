import { charCodesToString } from './latin1.ts';

/** Code points of bytes 0x80–0x9F in Windows-1252 (the rest of the range equals ISO-8859-1). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d,
  0x17d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a,
  0x153, 0x9d, 0x17e, 0x178,
];

/**
 * Windows-1252 by table: Node 20's TextDecoder('windows-1252') decodes as ISO-8859-1 (0x91 stays U+0091 instead of
 * ‘), while browsers follow the WHATWG table; doing it here gives the same text in the page and the CLI.
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const out = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    out[i] = b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80]! : b;
  }
  return charCodesToString(out);
}
