import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { isInputError } from '../../lib/issue.ts';
import { analyseMoves, toJsonSummary } from './core.ts';
import { generateMoves, type Culture } from './generate.ts';
import type { MoveRow } from './types.ts';

/*
 * Isolation as a property. A hostile bad-items file never changes a move figure; hostile rows added to an export
 * never change the figures of the good rows; and whatever bytes arrive as the moves file, the core either
 * reports or throws InputError, nothing else.
 */
const enc = new TextEncoder();
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const q = (v: string) => `"${v.replace(/"/g, '""')}"`;

const goodExport = fc.record({
  moves: fc.integer({ min: 3, max: 30 }),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  culture: fc.constantFrom<Culture>('en-US', 'en-GB', 'de-DE', 'nl-NL'),
  encoding: fc.constantFrom('utf-8-bom', 'utf-16le', 'utf-8' as const),
  columnSet: fc.constantFrom('exo', 'onprem2016', 'onprem2013' as const),
  shape: fc.constantFrom('raw', 'flat' as const),
});

/** Values an attacker or a broken script puts in a cell. */
const hostileCell = fc.oneof(
  fc.constantFrom(
    '',
    '1.234 GB (999,999,999,999,999,999,999 bytes)',
    '1.234 GB (2,000,000,000 bytes)',
    '5 TB (5,497,558,138,880 bytes)',
    '99999999999999999999999',
    '-1',
    '1e40',
    'NaN',
    '250',
    '-01:00:00',
    '99999999.00:00:00',
    "=cmd|' /C calc'!A0",
    'x'.repeat(5000),
    'Line one\r\nline "two"',
    'Microsoft.Exchange.Data.ByteQuantifiedSize',
    '\u0000\u0001\u0002',
    '__proto__',
    'constructor',
    'toString',
  ),
  fc.string({ maxLength: 40 }),
  fc.integer().map(String),
  fc.double().map(String),
);

const hostileBadItems: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array()),
  fc.constantFrom('\r\n', '  ', '\ufeff').map((s) => enc.encode(s)),
  fc.uint8Array({ maxLength: 1000 }).map((b) => new Uint8Array([...PNG, ...b])),
  fc.uint8Array({ minLength: 1, maxLength: 1000 }),
  fc.string({ maxLength: 400 }).map((s) => enc.encode(s)),
  fc.constant(enc.encode('"Mailbox","Kind","Subject"\r\n')),
  fc.constant(
    enc.encode('"SamAccountName","DistinguishedName","UserPrincipalName"\r\n"a","CN=a","a@b.c"\r\n'),
  ),
  // Rows about mailboxes that are not in the export, with hostile values everywhere.
  fc
    .array(fc.tuple(fc.nat(99), hostileCell, hostileCell, hostileCell), { minLength: 1, maxLength: 20 })
    .map((rows) =>
      enc.encode(
        '"Mailbox","Kind","FolderName","Subject","MessageSize"\r\n' +
          rows.map(([n, a, b, c]) => [`evil${n}@evil.example`, a, b, 'x', c].map(q).join(',')).join('\r\n'),
      ),
    ),
);

/** A move's own figures, without where it sits in the file. */
const own = ({ index: _i, line: _l, ...m }: MoveRow) => m;

describe('move report under hostile input', () => {
  it('a hostile bad-items file changes no move figure and never throws', () => {
    fc.assert(
      fc.property(goodExport, hostileBadItems, (opts, bad) => {
        const g = generateMoves(opts);
        const moves = { name: 'moves.csv', bytes: g.bytes };
        const alone = analyseMoves({ moves });
        const withBad = analyseMoves({ moves, badItems: { name: 'bad.csv', bytes: bad } });
        const strip = (r: typeof alone) => {
          const j = toJsonSummary(r);
          return { ...j, warnings: [], totals: { ...j.totals, badItemRows: null } };
        };
        expect(strip(withBad)).toEqual(strip(alone));
        expect(withBad.moves.every((m) => m.badItemRows === 0)).toBe(true);
        // An error is always about the bad-items file, never about the moves.
        for (const i of withBad.issues) if (i.severity === 'error') expect(i.file).toBe('bad.csv');
      }),
      { numRuns: 60 },
    );
  });

  it('hostile rows in an export leave the good rows exactly as they were', () => {
    fc.assert(
      fc.property(
        goodExport.map((o) => ({ ...o, culture: 'en-US' as const, encoding: 'utf-8' as const })),
        fc.array(fc.array(hostileCell, { minLength: 60, maxLength: 60 }), { minLength: 1, maxLength: 6 }),
        (opts, hostileRows) => {
          const g = generateMoves(opts);
          const baseline = analyseMoves({ moves: { name: 'm.csv', bytes: g.bytes } });
          const { headers } = readCsv(g.bytes);
          const dateColumn = (h: string) => /timestamp$/i.test(h);
          const lines = hostileRows.map((cells, r) =>
            headers
              .map((h, i) => {
                if (/^(ExchangeGuid|DisplayName|Alias|Identity|MailboxIdentity)$/i.test(h))
                  return q(`hostile-${r}-${h}`);
                // Dates stay in the export's own culture, so the file's day/month order is the good rows' own.
                if (dateColumn(h))
                  return q(['', 'never', '1/1/1979 12:00:00 AM', '1/1/2090 12:00:00 AM'][r % 4]!);
                return q(cells[i % cells.length]!);
              })
              .join(','),
          );
          const text =
            new TextDecoder().decode(g.bytes).replace(/(\r\n)?$/, '\r\n') + lines.join('\r\n') + '\r\n';
          const mixed = analyseMoves({ moves: { name: 'm.csv', bytes: enc.encode(text) } });
          expect(mixed.moves.slice(0, baseline.moves.length).map(own)).toEqual(baseline.moves.map(own));
          expect(mixed.moves).toHaveLength(baseline.moves.length + hostileRows.length);
          for (const v of Object.values(toJsonSummary(mixed).totals))
            if (v !== null) expect(Number.isSafeInteger(v)).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('any bytes as the moves file give a report or an InputError, never another exception', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileBadItems,
          fc.string({ maxLength: 2000 }).map((s) => enc.encode(s)),
        ),
        (bytes) => {
          try {
            analyseMoves({ moves: { name: 'x.csv', bytes } });
          } catch (e) {
            expect(isInputError(e)).toBe(true);
            if (isInputError(e)) expect(e.issue.severity).toBe('error');
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
