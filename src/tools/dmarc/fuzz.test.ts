import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gzipSync, zipSync } from 'fflate';
import type { NamedBytes } from '../../lib/issue.ts';
import { analyse } from './core.ts';
import { toJson } from './exports.ts';
import { toNdjson } from './ndjson.ts';
import { recordsCsv } from './exports.ts';
import {
  BINARY_STARTS,
  outlookMail,
  reportBytes,
  reportXml,
  xlsxBytes,
  zipWithBadCrc,
  type ReportParts,
} from './hostile-inputs.ts';
import type { DmarcResult } from './types.ts';

/*
 * The isolation property: random good reports plus random hostile inputs of every class give the good reports
 * exactly the figures they have alone, every input gets a verdict, and nothing throws out of the core (nor out
 * of any export of the result). Hostile reports are sent by their own reporter, so de-duplication never links
 * them to a good one.
 */

const enc = (s: string) => new TextEncoder().encode(s);
const NOW = Date.UTC(2026, 11, 1) / 1000;
const DAY0 = Date.UTC(2025, 0, 1) / 1000;

const ip = fc
  .tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 }))
  .map((p) => p.join('.'));

const goodRecord = fc.record({
  ip,
  count: fc.nat(100_000).map(String),
  dkim: fc.constantFrom('pass', 'fail'),
  spf: fc.constantFrom('pass', 'fail', 'softfail'),
  disposition: fc.constantFrom('none', 'quarantine', 'reject'),
});

const goodReport = fc.record({
  org: fc.constantFrom('google.com', 'Enterprise Outlook', 'Yahoo', 'GMX', 'Mimecast'),
  domain: fc.constantFrom('contoso.example', 'fabrikam.example'),
  day: fc.nat(700),
  records: fc.array(goodRecord, { minLength: 1, maxLength: 6 }),
  wrap: fc.constantFrom('xml', 'gz', 'zip', 'mail'),
});

type Good = typeof goodReport extends fc.Arbitrary<infer T> ? T : never;

function goodFile(g: Good, i: number): NamedBytes {
  const begin = DAY0 + g.day * 86_400;
  const xml = reportBytes({
    org: g.org,
    domain: g.domain,
    reportId: `good-${i}`,
    begin: String(begin),
    end: String(begin + 86_399),
    records: g.records,
  });
  const name = `good/${i}`;
  if (g.wrap === 'gz') return { name: `${name}.xml.gz`, bytes: gzipSync(xml) };
  if (g.wrap === 'zip') return { name: `${name}.zip`, bytes: zipSync({ 'r.xml': xml }) };
  if (g.wrap === 'mail') return { name: `${name}.eml`, bytes: enc(outlookMail(xml, `good-${i}`)) };
  return { name: `${name}.xml`, bytes: xml };
}

/** A report from the hostile reporter, with some parts replaced. */
const forged = (parts: ReportParts) => reportXml({ org: 'hostile.example', ...parts });

const digits = (min: number, max: number) =>
  fc.integer({ min, max }).chain((n) => fc.stringMatching(new RegExp(`^[1-9][0-9]{${n - 1}}$`)));

/** Every class of hostile input, as bytes. */
const hostile: fc.Arbitrary<Uint8Array> = fc.oneof(
  // Dates: beyond Date, negative, ancient, far future, milliseconds.
  fc
    .oneof(digits(13, 60), fc.constantFrom('-99999999999999', '-1', '298771200', '3786912000', '1e9', ''))
    .map((begin) => enc(forged({ reportId: 'h-date', begin }))),
  // Counts: huge, negative, fractional, exponent, empty.
  fc
    .oneof(digits(10, 60), fc.constantFrom('-5', '2.5', '1e3', '', '0x10', '١٢'))
    .map((count) => enc(forged({ reportId: 'h-count', records: [{ count }] }))),
  // Other values: pct, p, IPs.
  fc
    .record({
      pct: fc.string({ maxLength: 8 }),
      p: fc.string({ maxLength: 12 }),
      ip: fc.string({ maxLength: 50 }),
    })
    .map(({ pct, p, ip }) =>
      enc(forged({ reportId: 'h-values', pct: escape(pct), p: escape(p), records: [{ ip: escape(ip) }] })),
    ),
  // Control and text-direction characters in names (the ones XML allows).
  fc
    .array(fc.constantFrom('\u0085', '\u009b', '\u202e', '\u2066', '\u200f', 'a', ' ', '\t', '\n'), {
      maxLength: 30,
    })
    .map((cs) =>
      enc(forged({ reportId: 'h-ctl', org: `x${cs.join('')}`, domain: `d${cs.join('')}.example` })),
    ),
  // Deep nesting.
  fc
    .integer({ min: 60, max: 5000 })
    .map((n) => enc(`<feedback>${'<record>'.repeat(n)}${'</record>'.repeat(n)}</feedback>`)),
  // Truncated XML, at any point.
  fc.double({ min: 0, max: 1, noNaN: true }).map((f) => {
    const xml = enc(forged({ reportId: 'h-cut' }));
    return xml.subarray(0, Math.floor(xml.length * f * 0.95));
  }),
  // Binary and empty.
  fc.uint8Array({ maxLength: 400 }),
  fc.constantFrom(
    new Uint8Array(0),
    new Uint8Array(BINARY_STARTS.png),
    new Uint8Array(BINARY_STARTS.pdf),
    new Uint8Array(BINARY_STARTS.jpeg),
    xlsxBytes(),
  ),
  fc.string({ maxLength: 200 }).map(enc),
  // Member names with control and text-direction characters, of any length.
  fc
    .string({
      unit: fc.constantFrom('a', '\u001b', '[', '2', 'J', '\u202e', '\u0000', '.', ' '),
      maxLength: 400,
    })
    .map((name) => zipSync({ [`m${name}.xml`]: enc(forged({ reportId: 'h-name' })) })),
  // Containers: a zip with a bad CRC, a truncated gzip, a mail with only HTML.
  fc.constant(0).map(() => zipWithBadCrc({ 'r.xml': enc(forged({ reportId: 'h-crc' })) })),
  fc.nat(60).map((n) => gzipSync(enc(forged({ reportId: 'h-gz' }))).subarray(0, n)),
  fc
    .string({ maxLength: 100 })
    .map((html) =>
      enc(
        `From: a@b.example\r\nTo: c@d.example\r\nSubject: Report\r\nContent-Type: text/html\r\n\r\n<html><body>${html}&nbsp;<br></body></html>`,
      ),
    ),
  // DTDs and entities.
  fc
    .constantFrom(
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><feedback>&lol2;</feedback>',
      '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]><feedback><report_metadata><org_name>&x;</org_name></report_metadata></feedback>',
      '<feedback><report_metadata><org_name>&undefined;</org_name></report_metadata></feedback>',
    )
    .map(enc),
);

/** XML-escaped text, so that a generated value reaches the parser as a value. */
function escape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

/** The good files' own figures: their unique reports, read from the result. */
function goodFigures(r: DmarcResult, isGood: (input: string) => boolean) {
  const reports = r.reports
    .filter((x) => isGood(x.input) && x.duplicateOf === -1)
    .map((x) => [x.source, x.recordCount, x.messages, x.dmarcPass, x.begin, x.end] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const sum = (f: (x: DmarcResult['reports'][number]) => number) =>
    r.reports.filter((x) => x.duplicateOf === -1 && !isGood(x.input)).reduce((n, x) => n + f(x), 0);
  return {
    reports,
    messages: r.totals.messages - sum((x) => x.messages),
    dmarcPass: r.totals.dmarcPass - sum((x) => x.dmarcPass),
    records: r.totals.records - sum((x) => x.recordCount),
    goodVerdicts: r.files.filter((f) => isGood(f.input)).map((f) => [f.path, f.status, f.reason]),
  };
}

describe('isolation under random hostile input', () => {
  it('good reports keep their figures, every input gets a verdict, nothing throws', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(goodReport, { minLength: 1, maxLength: 4 }),
        fc.array(hostile, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        async (goods, bads, seed) => {
          const good = goods.map(goodFile);
          const bad = bads.map((bytes, i) => ({ name: `bad/${i}.xml`, bytes }));
          // Hostile files anywhere in the order.
          const mixed = [...good];
          bad.forEach((b, i) => mixed.splice((seed + i * 7) % (mixed.length + 1), 0, b));
          const alone = await analyse(good, { now: NOW });
          const r = await analyse(mixed, { now: NOW });
          // The fast scanner changes nothing: saxes alone gives the identical result.
          expect(await analyse(mixed, { now: NOW, reader: 'saxes' })).toEqual(r);
          const isGood = (input: string) => input.startsWith('good/');
          expect(goodFigures(r, isGood)).toEqual(goodFigures(alone, isGood));
          for (const b of bad) expect(r.files.some((f) => f.input === b.name)).toBe(true);
          expect(Number.isSafeInteger(r.totals.messages)).toBe(true);
          expect(r.totals.issues.errors).toBe(r.totals.filesByStatus.rejected);
          for (const f of r.files) {
            expect(f.issues.filter((i) => i.severity === 'error').length).toBe(
              f.status === 'rejected' ? 1 : 0,
            );
          }
          // Every output of the result can be produced.
          JSON.stringify(toJson(r));
          toNdjson(r);
          recordsCsv(r);
        },
      ),
      { numRuns: 60, seed: 20261202 },
    );
  });
});
