/**
 * The isolation property of the sync check: good exports beside any hostile file keep their figures, and nothing
 * is thrown out of analyse(). A hostile file is either refused (then every figure is exactly as without it) or
 * read as more users (then every good user keeps its status and its partner).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText } from '../../lib/csv/decode.ts';
import { encodeAsExport } from '../../lib/csv/encode.ts';
import type { NamedBytes } from '../../lib/issue.ts';
import { analyse, type SyncCheckInput } from './core.ts';
import { generate, type AdStyle, type EntraStyle } from './generate.ts';
import type { SyncCheckResult } from './types.ts';
import { toCliJson } from './report.ts';

const GOOD: { adStyle: AdStyle; entraStyle: EntraStyle }[] = [
  { adStyle: 'ps51', entraStyle: 'mg' },
  { adStyle: 'de-DE', entraStyle: 'msol' },
  { adStyle: 'ps7', entraStyle: 'graph-pages' },
  { adStyle: 'raw-types', entraStyle: 'entra' },
];
const sets = GOOD.map((style, k) => {
  const g = generate({ ...style, users: 12, seed: 100 + k, withAfter: true });
  const input: SyncCheckInput = { ad: [g.ad], entra: g.entra, adAfter: [g.adAfter!], scope: g.scope };
  return { g, input, baseline: analyse(input) };
});

const text = (s: string) => new TextEncoder().encode(s);
const utf16 = (s: string) => encodeAsExport(s, 'utf-16le');

/** Every class of hostile file, as bytes. */
const hostileBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(text(''), text('   \r\n\t\r\n'), new Uint8Array(4096)),
  // Binary formats people drop by mistake, with random content after the signature.
  fc
    .tuple(
      fc.constantFrom(
        [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
        [0x25, 0x50, 0x44, 0x46, 0x2d],
        [0x50, 0x4b, 0x03, 0x04],
        [0x1f, 0x8b, 0x08],
        [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
        [0xff, 0xd8, 0xff],
      ),
      fc.uint8Array({ maxLength: 300 }),
    )
    .map(([sig, rest]) => new Uint8Array([...sig, ...rest])),
  fc.uint8Array({ minLength: 1, maxLength: 400 }),
  // Text of quotes, delimiters, every line ending, NULs, BOMs, surrogates and control characters.
  fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '"',
          '""',
          ',',
          ';',
          '\r\n',
          '\n',
          '\r',
          '\0',
          '\ufeff',
          '\ud800',
          '#TYPE x\r\n',
          ' ',
        ),
        fc.string({ maxLength: 8 }),
      ),
      { maxLength: 80 },
    )
    .map((parts) => text(parts.join(''))),
  fc.constantFrom(
    text('{"value": [ {"id": '),
    text('[1, 2, "three", null]'),
    text('{"value": []}'),
    text('<?xml version="1.0"?><feedback><record/></feedback>'),
    text('"DistinguishedName","ObjectGUID","SamAccountName"\r\n'),
    text('"Id","UserPrincipalName","OnPremisesImmutableId"\r\n'),
  ),
  // A real header with garbage rows: the file is read, its rows become (odd) users.
  fc
    .tuple(
      fc.constantFrom(
        '"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName","whenCreated","msExchRecipientTypeDetails"',
        '"Id","UserPrincipalName","OnPremisesImmutableId","OnPremisesLastSyncDateTime","CreatedDateTime"',
      ),
      fc.array(
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 12 }),
            fc.constantFrom(
              '/Date(99999999999999999999)/',
              '1/1/1601 0:00:00',
              '31.12.9999 23:59:59',
              '99999999999999999999999',
              'System.Byte[]',
              'not-a-guid',
              'AAAAAAAAAAAAAAAAAAAAAA==',
            ),
          ),
          { maxLength: 7 },
        ),
        { maxLength: 6 },
      ),
      fc.constantFrom('\r\n', '\n', '\r'),
    )
    .map(([head, rows, nl]) =>
      text([head, ...rows.map((r) => r.map((v) => `"${v.replaceAll('"', '""')}"`).join(','))].join(nl)),
    ),
);

/** A good export read the messy way real files arrive: mixed line endings, NUL padding, a second header. */
function messy(bytes: Uint8Array, how: number): Uint8Array {
  const s = decodeText(bytes).text;
  if (s.startsWith('{') || s.startsWith('[')) return bytes;
  const lines = s.replace(/\r\n/g, '\n').split('\n');
  const header = lines.find((l) => l && !l.startsWith('#TYPE'))!;
  const half = lines.length >> 1;
  if (how === 0) return text(`${lines.slice(0, half).join('\r\n')}\r\n${lines.slice(half).join('\n')}`);
  if (how === 1) return text(`${lines.join('\r\n')}\0\0\0`);
  return text([...lines.slice(0, half), `\ufeff${header}`, ...lines.slice(half)].join('\r\n'));
}

/** Each good AD user's status and partner, and each good Entra user's status, keyed by objectGUID and id. */
function statuses(r: SyncCheckResult, adGuids: Set<string>, entraIds: Set<string>) {
  const ad: Record<string, string> = {};
  r.ad.forEach((u, i) => {
    if (u.objectGuid && adGuids.has(u.objectGuid))
      ad[u.objectGuid] = `${r.adStatus[i]} ${r.adRule[i]} ${r.entra[r.adEntra[i]!]?.id ?? '-'}`;
  });
  const entra: Record<string, string> = {};
  r.entra.forEach((e, i) => {
    if (entraIds.has(e.id)) entra[e.id] = r.entraStatus[i]!;
  });
  return { ad, entra };
}

const place = <T>(list: T[], item: T, at: number): T[] => {
  const k = at % (list.length + 1);
  return [...list.slice(0, k), item, ...list.slice(k)];
};

describe('sync check isolation: one hostile file never changes the good files’ figures', () => {
  it('for any hostile file on any side, beside good exports', () => {
    fc.assert(
      fc.property(
        fc.nat(sets.length - 1),
        hostileBytes,
        fc.constantFrom<'ad' | 'entra' | 'adAfter'>('ad', 'entra', 'adAfter'),
        fc.nat(),
        fc.boolean(),
        (k, bytes, side, at, asUtf16) => {
          const { input, baseline } = sets[k]!;
          const bad: NamedBytes = {
            name: 'hostile.csv',
            bytes: asUtf16 && bytes.length ? utf16(new TextDecoder().decode(bytes)) : bytes,
          };
          const r = analyse({ ...input, [side]: place([...(input[side] ?? [])], bad, at) });
          expect(r.unusable).toEqual([]);
          expect(r.issues.filter((i) => i.code === 'bug')).toEqual([]);
          const refused = r.issues.some((i) => i.severity === 'error' && i.file === bad.name);
          const base = toCliJson(baseline);
          const got = toCliJson(r);
          if (refused) {
            expect(got.totals).toEqual(base.totals);
            expect(got.sets).toEqual(base.sets);
            expect(got.matchedPairs).toEqual(base.matchedPairs);
            expect(got.conflicts).toEqual(base.conflicts);
            expect(got.deletionPreview).toEqual(base.deletionPreview);
          } else {
            const adGuids = new Set(baseline.ad.map((u) => u.objectGuid!));
            const entraIds = new Set(baseline.entra.map((e) => e.id));
            expect(statuses(r, adGuids, entraIds)).toEqual(statuses(baseline, adGuids, entraIds));
          }
          for (const v of Object.values(got.totals)) expect(Number.isSafeInteger(v)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('for good exports arriving with mixed line endings, NUL padding or a repeated header', () => {
    fc.assert(
      fc.property(fc.nat(sets.length - 1), fc.nat(2), fc.nat(2), (k, howAd, howEntra) => {
        const { input, baseline } = sets[k]!;
        const r = analyse({
          ...input,
          ad: input.ad.map((f) => ({ ...f, bytes: messy(f.bytes, howAd) })),
          entra: input.entra!.map((f) => ({ ...f, bytes: messy(f.bytes, howEntra) })),
        });
        const base = toCliJson(baseline);
        const got = toCliJson(r);
        expect(got.totals).toEqual(base.totals);
        expect(got.sets).toEqual(base.sets);
        expect(got.conflicts).toEqual(base.conflicts);
        expect(got.deletionPreview).toEqual(base.deletionPreview);
        expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('throws nothing when every input is hostile', () => {
    fc.assert(
      fc.property(hostileBytes, hostileBytes, (a, e) => {
        const r = analyse({ ad: [{ name: 'a.csv', bytes: a }], entra: [{ name: 'e.csv', bytes: e }] });
        expect(r.issues.filter((i) => i.code === 'bug')).toEqual([]);
        if (r.unusable.length) expect(r.totals.adUsers + r.totals.entraUsers).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
