import { analyse } from '../src/tools/dmarc/core.ts';
import { generateReports } from '../src/tools/dmarc/generate.ts';
import type { NamedBytes } from '../src/lib/issue.ts';
import { bareFxp, bareSaxes, xmlTexts } from './dmarc-bare.ts';

/** Runs in the benchmark page (bundled by Vite): the same measurements as in Node, on the same inputs. */

async function time(fn: () => unknown, runs: number): Promise<number> {
  await fn();
  const t: number[] = [];
  for (let k = 0; k < runs; k++) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
}

async function figures(files: NamedBytes[], runs: number) {
  const texts = xmlTexts(files);
  return {
    pipeline: await time(() => analyse(files), runs),
    pipelineFxp: await time(() => analyse(files, { reader: 'fxp' }), Math.min(runs, 3)),
    saxes: await time(() => bareSaxes(texts), runs),
    fxp: await time(() => bareFxp(texts), Math.min(runs, 3)),
  };
}

export async function runPage(runs: number, largeReports: number) {
  const names = (await (await fetch('/corpus.json')).json()) as string[];
  const corpus = await Promise.all(
    names.map(async (name) => ({
      name,
      bytes: new Uint8Array(await (await fetch(`/corpus/${encodeURIComponent(name)}`)).arrayBuffer()),
    })),
  );
  const large = generateReports({ reports: largeReports }).files;
  const largeMessages = (await analyse(large)).totals.messages;
  return {
    corpus: corpus.length ? await figures(corpus, runs) : undefined,
    large: await figures(large, Math.max(1, Math.floor(runs / 2))),
    largeMessages,
  };
}
