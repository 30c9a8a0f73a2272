import { describe, expect, it } from 'vitest';
import { zipSync, gzipSync, strToU8 } from 'fflate';
import { sniffBinary, unusableInput } from './sniff.ts';

const opts = { expected: 'a CSV export' };
const utf16le = (s: string) => {
  const b = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) b[i * 2] = s.charCodeAt(i);
  return b;
};

describe('unusableInput', () => {
  it('calls an empty or blank file empty', () => {
    expect(unusableInput('ad.csv', new Uint8Array(), opts)?.code).toBe('empty-file');
    expect(unusableInput('ad.csv', strToU8(' \r\n\r\n'), opts)?.code).toBe('empty-file');
    expect(unusableInput('ad.csv', new Uint8Array([0xef, 0xbb, 0xbf]), opts)?.message).toContain(
      'ad.csv is empty',
    );
  });

  it('names well-known binary formats and what to do', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(unusableInput('ad.csv', png, opts)?.message).toContain('a PNG image');
    const xlsx = zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'xl/workbook.xml': strToU8('<w/>') });
    const x = unusableInput('users.csv', xlsx, opts);
    expect(x?.code).toBe('binary-file');
    expect(x?.message).toContain('Excel workbook');
    expect(x?.message).toContain('Save As');
    expect(sniffBinary(strToU8('%PDF-1.7\n'))).toBe('pdf');
    expect(sniffBinary(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffBinary(gzipSync(strToU8('a,b\n1,2\n')))).toBe('gzip');
  });

  it('lets containers through when the tool unpacks them', () => {
    const zip = zipSync({ 'report.xml': strToU8('<feedback/>') });
    expect(unusableInput('r.zip', zip, { ...opts, accepts: ['zip', 'gzip'] })).toBeUndefined();
    expect(unusableInput('r.zip', zip, opts)?.message).toContain('zip archive');
  });

  it('takes text in every encoding exporters write as usable', () => {
    const csv = '"Name","ObjectGUID"\r\n"Anna Müller","5b2f4bd8-1c8e-4c8a-9f0e-0d6a2f3c4b5a"\r\n';
    expect(unusableInput('a.csv', strToU8(csv), opts)).toBeUndefined();
    expect(unusableInput('a.csv', utf16le(csv), opts)).toBeUndefined();
    expect(unusableInput('a.csv', new Uint8Array([0xff, 0xfe, ...utf16le(csv)]), opts)).toBeUndefined();
    expect(
      unusableInput('a.csv', new Uint8Array([...strToU8('Name;Ort\r\n'), 0xfc, 0x0a]), opts),
    ).toBeUndefined();
  });

  it('calls random control bytes binary', () => {
    const junk = new Uint8Array(2000).map((_, i) => (i * 7919) % 256);
    expect(unusableInput('a.csv', junk, opts)?.code).toBe('binary-file');
  });
});
