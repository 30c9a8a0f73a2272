import { describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH } from '../../lib/csv/decode.ts';
import { analyse } from './core.ts';
import { generate } from './generate.ts';

const AD_HEAD =
  '"DistinguishedName","ObjectGUID","SamAccountName"\r\n"CN=A,OU=Users,DC=contoso,DC=com","0b6b7b5e-1f2c-4c3d-9e8f-a1b2c3d4e5f6","a"\r\n';

/**
 * A file of `size` bytes that starts like an export. The rest stays zero: the pages are never touched, so the
 * test costs address space, not memory — the refusal must come before anything reads that far.
 */
function bigFile(size: number, utf16: boolean): Uint8Array {
  const bytes = new Uint8Array(size);
  if (utf16) {
    bytes[0] = 0xff;
    bytes[1] = 0xfe;
    for (let i = 0; i < AD_HEAD.length; i++) bytes[2 + 2 * i] = AD_HEAD.charCodeAt(i);
  } else {
    // Text through the first 64 KiB, where the binary sniffing looks.
    const row = new TextEncoder().encode(AD_HEAD.slice(AD_HEAD.indexOf('\n') + 1));
    bytes.set(new TextEncoder().encode(AD_HEAD));
    for (let at = AD_HEAD.length; at + row.length < 65536; at += row.length) bytes.set(row, at);
  }
  return bytes;
}

describe('inputs past what one JavaScript string holds', () => {
  const g = generate({ seed: 9 });

  it('refuses a UTF-8 export over 512 MiB with the cap in the message, and still counts the other AD file', () => {
    const big = { name: 'huge.csv', bytes: bigFile(MAX_TEXT_LENGTH + 1, false) };
    const r = analyse({ ad: [big, g.ad], entra: g.entra, scope: g.scope });
    expect(r.unusable).toEqual([]);
    const refused = r.issues.find((i) => i.file === 'huge.csv')!;
    expect(refused).toMatchObject({ code: 'too-large', severity: 'error' });
    expect(refused.message).toMatch(
      /^huge\.csv is 512 MiB: more text than one file can hold here \(512 MiB for UTF-8/,
    );
    expect(refused.hint).toContain('Get-ADUser');
    expect(r.totals.adUsers).toBe(g.counts.ad);
  });

  it('refuses a UTF-16 export over 1 GiB as the only AD file: the side is unusable', () => {
    const big = { name: 'huge16.csv', bytes: bigFile(2 * MAX_TEXT_LENGTH + 4, true) };
    const r = analyse({ ad: [big], entra: g.entra, scope: g.scope });
    expect(r.unusable).toHaveLength(1);
    expect(r.unusable[0]).toMatchObject({ code: 'too-large', path: 'ad', file: 'huge16.csv' });
    expect(r.unusable[0]!.message).toContain('1,024 MiB for UTF-16');
    expect(r.totals.entraUsers).toBe(0);
  });

  it('reads a 282 MB UTF-16LE de-DE export (Windows PowerShell 5.1, -UseCulture) in full', () => {
    // About 724 bytes a user, as in the benchmark.
    const big = generate({ users: Math.round((282 * 1024 * 1024) / 724), adStyle: 'de-DE', seed: 282 });
    expect(big.ad.bytes.byteLength).toBeGreaterThan(270 * 1024 * 1024);
    const r = analyse({ ad: [big.ad], entra: big.entra, scope: big.scope });
    expect(r.unusable).toEqual([]);
    expect(r.totals.adUsers).toBe(big.counts.ad);
    expect(r.totals.matched).toBe(big.expected.matchedPairs.length);
    expect(r.mappings[0]).toMatchObject({ encoding: 'utf-16le', delimiter: ';' });
  });
});
