#!/usr/bin/env node
/**
 * `npm test`: every check, each done once, and the time each phase took.
 *
 *   typecheck, lint:format ‖ lint:code   single-threaded each, so the two lanes share two cores (ESLint with
 *                                        type information is the longer one)
 *   build              the one build: the bundle test reads its report, the end-to-end tests serve it
 *   unit ‖ heavy       Vitest; heavy (hundreds-of-MB inputs, whole-process runs) takes one file at a time, so
 *                      the unit lane runs beside it
 *   e2e                Playwright on that build
 *
 * Stops at the first failing phase. The phases are the package scripts, so `npm run <phase>` reproduces one.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';

const REPORT = resolve('test-results/bundle-report.json');
const env = { ...process.env, HT_BUNDLE_REPORT: REPORT };
const isWindows = process.platform === 'win32';

/** Runs a command; when `quiet`, its output is kept and printed once it ends, so parallel phases do not mix. */
function run(name, command, args, quiet) {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(command, args, { env, shell: isWindows, stdio: quiet ? 'pipe' : 'inherit' });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    child.on('close', (code) => {
      if (quiet) process.stdout.write(`\n── ${name} ──\n${output}`);
      done({ name, ok: code === 0, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const npm = (script, quiet = false) => run(script, 'npm', ['run', '--silent', script], quiet);

/** Scripts one after another, as one quiet lane beside another. */
async function lane(...scripts) {
  const started = performance.now();
  for (const script of scripts) {
    const r = await npm(script, true);
    if (!r.ok) return r;
  }
  return { name: scripts.join(' + '), ok: true, seconds: (performance.now() - started) / 1000 };
}

const phases = [
  () => Promise.all([lane('typecheck', 'lint:format'), lane('lint:code')]),
  () => npm('build'),
  // Heavy runs one file at a time (its cases are hundreds of MB), which leaves a core to the unit lane.
  () => Promise.all([npm('unit', true), npm('heavy', true)]),
  () => run('e2e', 'npx', ['--no-install', 'playwright', 'test'], false),
];

rmSync(REPORT, { force: true });
const started = performance.now();
const results = [];
let failed;
for (const phase of phases) {
  const r = [await phase()].flat();
  results.push(r);
  failed = r.find((x) => !x.ok);
  if (failed) break;
}
const total = (performance.now() - started) / 1000;
const line = results
  .map((r) =>
    r.length > 1
      ? `${r.map((x) => `${x.name} ${x.seconds.toFixed(1)}`).join(' ‖ ')} → ${Math.max(...r.map((x) => x.seconds)).toFixed(1)}`
      : `${r[0].name} ${r[0].seconds.toFixed(1)}`,
  )
  .join(' | ');
console.log(`\nnpm test, seconds: ${line} | total ${total.toFixed(1)}`);
if (failed) {
  console.error(`npm test: ${failed.name} failed.`);
  process.exit(1);
}
