import { describe, expect, it } from 'vitest';
import { anchorKey, decodeAnchorText, decodeConsistencyGuid, decodeImmutableId } from './anchor.ts';

const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';
const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('decodeAnchorText', () => {
  it('reads UTF-16LE text, as ConvertToBase64 writes it', () => {
    expect(decodeAnchorText(Uint8Array.of(0x45, 0, 0x30, 0, 0x31, 0))).toEqual({
      text: 'E01',
      encoding: 'utf-16le',
    });
    expect(decodeAnchorText(Uint8Array.of(0x4d, 0, 0xfc, 0))).toEqual({ text: 'Mü', encoding: 'utf-16le' });
  });

  it('reads UTF-8 text', () => {
    expect(decodeAnchorText(ascii('E012345'))).toEqual({ text: 'E012345', encoding: 'utf-8' });
    expect(decodeAnchorText(Uint8Array.of(0x4d, 0xc3, 0xbc, 0x6c))).toEqual({
      text: 'Mül',
      encoding: 'utf-8',
    });
  });

  it('checks UTF-8 structure: overlongs, surrogates and cut sequences are binary', () => {
    expect(decodeAnchorText(Uint8Array.of(0x45, 0xe2, 0x82, 0xac))).toEqual({
      text: 'E€',
      encoding: 'utf-8',
    });
    expect(decodeAnchorText(Uint8Array.of(0x45, 0xf0, 0x9f, 0x98, 0x80))).toEqual({
      text: 'E😀',
      encoding: 'utf-8',
    });
    expect(decodeAnchorText(Uint8Array.of(0x45, 0xc0, 0x80))).toBeUndefined();
    expect(decodeAnchorText(Uint8Array.of(0x45, 0xed, 0xa0, 0x80))).toBeUndefined();
    expect(decodeAnchorText(Uint8Array.of(0x45, 0xe2, 0x82))).toBeUndefined();
    expect(decodeAnchorText(Uint8Array.of(0x45, 0x82, 0x45))).toBeUndefined();
  });

  it('refuses binary: controls, invalid UTF-8, nothing at all', () => {
    expect(decodeAnchorText(Uint8Array.of(0x24, 0x2d, 0x8b, 0x74, 0x1d, 0x2c))).toBeUndefined();
    expect(decodeAnchorText(Uint8Array.of(0x41, 0x7f))).toBeUndefined();
    expect(decodeAnchorText(Uint8Array.of(0x41, 0xc3))).toBeUndefined();
    expect(decodeAnchorText(Uint8Array.of(0x41, 0, 0x01, 0))).toBeUndefined();
    expect(decodeAnchorText(new Uint8Array(0))).toBeUndefined();
  });
});

describe('decodeImmutableId', () => {
  it('reads a GUID anchor', () => {
    expect(decodeImmutableId(' JC2LdB0sEUucPB2eXYo7Dw== ')).toEqual({ kind: 'guid', guid: GUID });
  });

  it('reads a text anchor', () => {
    // "Hello world!" in UTF-16LE: the ConvertToBase64 example of Entra Connect's function reference.
    expect(decodeImmutableId('SABlAGwAbABvACAAdwBvAHIAbABkACEA')).toMatchObject({
      kind: 'text',
      text: 'Hello world!',
    });
    expect(decodeImmutableId('jdoe@contoso.com')).toMatchObject({ kind: 'text', text: 'jdoe@contoso.com' });
  });

  it('calls an empty value invalid', () => {
    expect(decodeImmutableId('  ')).toEqual({ kind: 'invalid', reason: 'empty' });
  });
});

describe('decodeConsistencyGuid', () => {
  it('reads GUID text, decimal bytes and base64', () => {
    expect(decodeConsistencyGuid(`{${GUID.toUpperCase()}}`)).toEqual({ kind: 'guid', guid: GUID });
    expect(
      decodeConsistencyGuid('{36, 45, 139, 116, 29, 44, 17, 75, 156, 60, 29, 158, 93, 138, 59, 15}'),
    ).toEqual({
      kind: 'guid',
      guid: GUID,
    });
    expect(decodeConsistencyGuid('JC2LdB0sEUucPB2eXYo7Dw==')).toEqual({ kind: 'guid', guid: GUID });
  });

  it('refuses the type name PowerShell writes for a byte[]', () => {
    expect(decodeConsistencyGuid('System.Byte[]').kind).toBe('invalid');
  });
});

describe('anchorKey', () => {
  it('keeps GUIDs and text apart', () => {
    expect(anchorKey({ kind: 'guid', guid: GUID })).toBe(GUID);
    expect(anchorKey({ kind: 'text', text: GUID, bytes: ascii(GUID) })).toBe(`text:${GUID}`);
    expect(anchorKey({ kind: 'invalid', reason: 'empty' })).toBeUndefined();
  });
});
