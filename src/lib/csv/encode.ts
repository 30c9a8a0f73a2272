/** The encodings Windows PowerShell and PowerShell 7 write with `Export-Csv -Encoding`. */
export type ExportEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'ascii';

/**
 * Text as bytes the way Export-Csv writes it: `Unicode` is UTF-16LE with a BOM, `UTF8` in 5.1 has a BOM, 7's
 * default has none, and 5.1's ASCII writes "?" for every UTF-16 unit outside ASCII. For generated test inputs.
 */
export function encodeAsExport(text: string, encoding: ExportEncoding): Uint8Array {
  if (encoding === 'utf-16le') {
    const out = new Uint8Array(2 + text.length * 2);
    out[0] = 0xff;
    out[1] = 0xfe;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      out[2 + i * 2] = c & 0xff;
      out[3 + i * 2] = c >> 8;
    }
    return out;
  }
  if (encoding === 'ascii') {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      out[i] = c < 128 ? c : 63;
    }
    return out;
  }
  const utf8 = new TextEncoder().encode(text);
  if (encoding === 'utf-8') return utf8;
  const out = new Uint8Array(utf8.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(utf8, 3);
  return out;
}
