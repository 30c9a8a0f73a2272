#!/usr/bin/env node
// The CLI bundled ahead from src/ (scripts/build-cli.mjs, run by `npm ci` and `npm pack`): starts like plain Node.
import { setFlagsFromString } from 'node:v8';

// A run lasts a second or two: V8's default is to optimise a function after little use, and on a folder of reports
// compiling (once per thread) cost more CPU than it saved. A larger budget optimises only what keeps running.
setFlagsFromString('--interrupt-budget=300000');
// Threads started from here on (the DMARC reader's second one) compile optimised code on their own thread: on two
// cores, compiling on V8's helper threads beside two busy JavaScript threads cost more CPU than it saved (measured
// on a folder of 3,264 reports: helper threads 570 → 330 ms of CPU, 4 % less wall time). This thread's own
// setting was fixed when it started.
setFlagsFromString('--no-concurrent-recompilation');
try {
  await import('../dist-cli/hybrid-toolbox.mjs');
  // The command has finished and awaited its output. Exiting now skips tearing down a heap of a few hundred MB
  // after a big folder (tens of ms); only when nothing is still waiting to be written, so no output is cut.
  if (!process.stdout.writableLength && !process.stderr.writableLength) process.exit();
} catch (e) {
  if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !String(e.message).includes('dist-cli')) throw e;
  process.stderr.write(
    'hybrid-toolbox: the CLI is not built yet: run `npm ci` (or `npm run build:cli`) first.\n',
  );
  process.exitCode = 2;
}
