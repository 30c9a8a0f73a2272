/**
 * The second thread of `hybrid-toolbox dmarc` on a big folder: reads its run of files (with the same read-ahead)
 * into a Collector and posts it back; the main thread joins the runs in order and summarises. Built only into the
 * bundled CLI (dist-cli/workers/dmarc.mjs).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { lazyInputs } from '../../cli/input.ts';
import { nodeIo } from '../../cli/node-io.ts';
import type { InputPath } from '../../cli/spec.ts';
import { collectFiles } from './core.ts';

const { files } = workerData as { files: InputPath[] };
parentPort!.postMessage(await collectFiles(lazyInputs(nodeIo(), files)));
