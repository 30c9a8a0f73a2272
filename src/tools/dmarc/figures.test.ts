import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ipTableBytes } from '../../../scripts/build-ip-tables.mjs';
import type { NamedBytes } from '../../lib/issue.ts';
import { collectFiles, summarise, summariseRuns, type Collector } from './core.ts';
import { enrichOverview, enrichResult } from './enrich/group.ts';
import { IpTable } from './enrich/lookup.ts';
import { gunzip } from './enrich/table.ts';
import { toJson } from './exports.ts';
import { figuresOf, type RunFigures } from './figures.ts';
import { generateReports } from './generate.ts';
import { generateFailureReports, generateTlsReports } from './generate-kinds.ts';
import { SenderClassifier } from './senders.ts';
import type { DmarcOverview, DmarcResult } from './types.ts';
import { DMARC_CORPUS, isDmarcCorpusPresent, listCorpusFiles } from '../../../tests/support/dmarc-corpus.ts';

let table: IpTable;
beforeAll(async () => {
  table = IpTable.read(await gunzip(ipTableBytes()));
});

/** The real corpus, copies of reports included. */
function realFiles(): NamedBytes[] {
  if (!isDmarcCorpusPresent) return [];
  return listCorpusFiles().map((p) => ({
    name: relative(DMARC_CORPUS, p),
    bytes: new Uint8Array(readFileSync(p)),
  }));
}

const lazy = (files: NamedBytes[]) => files.map((f) => ({ name: f.name, read: () => f.bytes }));

/** Everything the overview holds, as the CLI prints it and beyond (every sender field, readiness, days). */
function view(r: DmarcOverview) {
  return {
    json: toJson(r),
    senders: r.senders,
    readiness: r.readiness,
    totals: r.totals,
    days: r.days,
    reporters: r.reporters,
    issues: r.issues,
    network: r.network,
  };
}

/**
 * The files read in runs of the given sizes, each run on one of two "threads" (each its own classifier), as the
 * CLI does: only the collector without records and the figures leave a run.
 */
async function byRuns(
  files: NamedBytes[],
  sizes: number[],
  threads: number[],
  maxTotalMessages?: number,
): Promise<DmarcOverview | undefined> {
  const classifiers = [new SenderClassifier(), new SenderClassifier()];
  const runs: Omit<Collector, 'recordsByReport'>[] = [];
  const figures: RunFigures[] = [];
  const cuts: NamedBytes[][] = [];
  for (let at = 0, k = 0; at < files.length; k++) {
    const size = sizes[k % sizes.length]!;
    cuts.push(files.slice(at, at + size));
    const { recordsByReport, ...rest } = await collectFiles(lazy(cuts[k]!));
    figures.push(figuresOf({ ...rest, recordsByReport }, classifiers[threads[k % threads.length]!]!));
    runs.push(rest);
    at += size;
  }
  const reread = (k: number) => collectFiles(lazy(cuts[k]!));
  const summed = await summariseRuns(runs, figures, reread, classifiers[0]!, maxTotalMessages);
  if (!summed) return undefined;
  enrichOverview(summed.overview, table, summed.figures.ips, summed.figures.unknown);
  return summed.overview;
}

async function whole(files: NamedBytes[]): Promise<DmarcResult> {
  const r = summarise(await collectFiles(lazy(files)));
  enrichResult(r, table);
  return r;
}

describe('summariseRuns', async () => {
  const real = realFiles();
  const set = generateReports({ reports: 150, seed: 11 });
  const generated = set.files;
  const otherKinds = [...generateFailureReports(6, 3, set.sourceIps), ...generateTlsReports(8)];

  it('gives what summarising all the records gives, however the files are cut into runs and threads', async () => {
    let networkSenders = 0;
    for (const files of [real, generated, [...generated.slice(0, 40), ...otherKinds]]) {
      if (!files.length) continue;
      const expected = view(await whole(files));
      networkSenders += expected.senders.filter((s) => /^AS\d/.test(s.name)).length;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }),
          fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 1, maxLength: 7 }),
          async (sizes, threads) => {
            const got = await byRuns(files, sizes, threads);
            expect(got).toBeDefined();
            expect(view(got!)).toEqual(expected);
          },
        ),
        { numRuns: 8 },
      );
    }
    // The Unknown sender was split by network somewhere, so the records that travel as they are were checked too.
    if (real.length) expect(networkSenders).toBeGreaterThan(0);
  });

  it('compares copies of a report record by record, whichever runs hold them', async () => {
    const files = generated.slice(0, 30);
    // A copy with the same contents, one with a record fewer (the fuller one is kept), and the copies' runs apart.
    const same = { ...files[3]!, name: `z-same-${files[3]!.name}` };
    const text = new TextDecoder().decode(files[7]!.bytes);
    const fewer =
      text.includes('</record>') && !files[7]!.name.endsWith('.zip') && !files[7]!.name.endsWith('.gz');
    const extra = fewer
      ? [
          {
            name: 'z-fewer.xml',
            bytes: new TextEncoder().encode(text.replace(/<record>[\s\S]*?<\/record>\s*/, '')),
          },
        ]
      : [];
    const withCopies = [...files, same, ...extra];
    const expected = view(await whole(withCopies));
    expect(expected.totals.duplicates).toBeGreaterThan(0);
    for (const sizes of [[1], [4], [7, 2], [40]])
      expect(view((await byRuns(withCopies, sizes, [0, 1]))!)).toEqual(expected);
  });

  it('leaves totals past exact counting to the records', async () => {
    const files = generated.slice(0, 5);
    const c = await collectFiles(lazy(files));
    expect(await byRuns(files, [2], [0, 1], c.reports[0]!.messages)).toBeUndefined();
  });
});
