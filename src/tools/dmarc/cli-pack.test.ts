import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packCollector, unpackCollector } from './cli-pack.ts';
import { collectFiles, type Collector } from './core.ts';
import { generateReports } from './generate.ts';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const REAL = new URL('../../../../shared/fixtures/dmarc/real/', import.meta.url);

function filesUnder(dir: string): { name: string; read: () => Uint8Array }[] {
  const out: { name: string; read: () => Uint8Array }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push({ name: p, read: () => new Uint8Array(readFileSync(p)) });
    }
  };
  walk(dir);
  return out;
}

/** Across a thread: the packed form is cloned and its buffer moved, as postMessage does. */
function roundTrip(c: Collector): Collector {
  const { packed, transfer } = packCollector(c);
  return unpackCollector(structuredClone(packed, { transfer }));
}

function expectSame(c: Collector) {
  const before = JSON.stringify(c.recordsByReport);
  const after = roundTrip(c);
  // Same values, and every record's keys in the same order: the exports print records as they are.
  expect(JSON.stringify(after.recordsByReport) === before).toBe(true);
  expect(after).toStrictEqual(c);
}

describe('records packed to cross threads', () => {
  it('come back the same from the fixtures and a generated batch (reasons, DKIM and SPF results)', async () => {
    const fixtures = await collectFiles(filesUnder(FIXTURES.pathname));
    expect(fixtures.recordsByReport.flat().length).toBeGreaterThan(10);
    expectSame(fixtures);
    const gen = generateReports({ reports: 60, seed: 3 });
    const c = await collectFiles(gen.files.map((f) => ({ name: f.name, read: () => f.bytes })));
    expectSame(c);
    const all = [...fixtures.recordsByReport, ...c.recordsByReport].flat();
    expect(all.some((r) => r.reasons.length > 0)).toBe(true);
    expect(all.some((r) => r.spfAuth.length > 0 && r.dkimAuth.length > 0)).toBe(true);
  });

  it.runIf(existsSync(REAL))('come back the same from the real corpus', async () => {
    expectSame(await collectFiles(filesUnder(REAL.pathname)));
  });

  it('keep every value: flags, large counts, empty and non-ASCII strings, empty runs', () => {
    const c: Collector = {
      ...({} as Collector),
      files: [],
      reports: [],
      verdictOfReport: [],
      recordsByReport: [
        [],
        [
          {
            report: -1,
            sender: -1,
            sourceIp: '2001:db8::1',
            count: 1_000_000_000,
            isCountInvalid: true,
            disposition: '',
            dkim: 'pass',
            spf: 'fail',
            isDmarcPass: true,
            reasons: [{ type: 'forwarded', comment: 'über \ufffd' }],
            headerFrom: 'example.com',
            envelopeFrom: '',
            envelopeTo: 'example.com',
            dkimAuth: [{ domain: 'a.example', selector: 's1', result: 'pass', humanResult: '' }],
            spfAuth: [{ domain: 'example.com', scope: 'mfrom', result: 'pass', humanResult: 'ok' }],
          },
        ],
      ],
    };
    expectSame(c);
  });

  it('a record with a field the packer does not know crosses as it is', () => {
    const record = { ...generatedRecord(), extra: 'kept' };
    const c = {
      files: [],
      reports: [],
      verdictOfReport: [],
      recordsByReport: [[record]],
    } as unknown as Collector;
    expect(packCollector(c).packed.records).toBeDefined();
    expectSame(c);
  });
});

function generatedRecord() {
  return {
    report: -1,
    sender: -1,
    sourceIp: '192.0.2.1',
    count: 3,
    isCountInvalid: false,
    disposition: 'none',
    dkim: 'pass',
    spf: 'pass',
    isDmarcPass: true,
    reasons: [],
    headerFrom: 'example.com',
    envelopeFrom: 'example.com',
    envelopeTo: '',
    dkimAuth: [],
    spfAuth: [],
  };
}
