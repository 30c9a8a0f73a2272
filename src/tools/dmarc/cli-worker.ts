/**
 * A reading thread of `hybrid-toolbox dmarc` on a big folder (one per further core, at most three). The folder is
 * cut into runs of a few files; every thread takes the next run from one shared counter until none is left, so
 * none waits for another whatever the files cost. Each run read here is posted back as soon as it is read: what its records add up to (the main
 * thread joins the runs' figures in order; no record is kept), or, for the per-record formats, its records packed. Built only into the bundled CLI (dist-cli/workers/dmarc.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { lazyInputs } from '../../cli/input.ts';
import { nodeIo } from '../../cli/node-io.ts';
import type { InputPath } from '../../cli/spec.ts';
import { packCollector } from './cli-pack.ts';
import { collectFiles } from './core.ts';
import { figuresOf } from './figures.ts';
import { SenderClassifier } from './senders.ts';

// Started before the folder is walked: the job arrives once it is known.
const { files, runFiles, next, mode } = await new Promise<{
  files: InputPath[];
  runFiles: number;
  next: Int32Array;
  mode: 'figures' | 'records';
}>((resolve) => parentPort!.once('message', resolve));
const io = nodeIo();
const classifier = new SenderClassifier();
for (let k = Atomics.add(next, 0, 1); k * runFiles < files.length; k = Atomics.add(next, 0, 1)) {
  const c = await collectFiles(lazyInputs(io, files.slice(k * runFiles, (k + 1) * runFiles)));
  if (mode === 'figures') {
    const { recordsByReport: _records, ...rest } = c;
    parentPort!.postMessage({ run: k, rest, figures: figuresOf(c, classifier) });
  } else {
    const { packed, transfer } = packCollector(c);
    parentPort!.postMessage({ run: k, packed }, transfer);
  }
}
parentPort!.postMessage({ done: true });
