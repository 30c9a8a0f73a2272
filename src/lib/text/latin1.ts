/** Character codes as a string, 8192 at a time (a longer `apply` can overflow the stack). */
export function charCodesToString(codes: Uint8Array | Uint16Array): string {
  let s = '';
  for (let i = 0; i < codes.length; i += 8192)
    s += String.fromCharCode.apply(null, codes.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

/**
 * Bytes as ISO-8859-1, each byte the character of the same number, so every byte survives and can be taken back
 * (`charCodeAt`). Not `TextDecoder('latin1')`: browsers decode that label as Windows-1252.
 */
export function decodeLatin1(bytes: Uint8Array): string {
  return charCodesToString(bytes);
}
