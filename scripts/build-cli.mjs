// Bundles the command line ahead from the same sources as the page: src/cli/entry.ts and every tool's command
// and core, with their libraries, into dist-cli/. Runs on `npm ci` and `npm pack` (the `prepare` script), so the
// CLI starts like plain Node and the packed package needs no dependencies. `--out <dir>` builds elsewhere.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ipTableBytes } from './build-ip-tables.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outAt = process.argv.indexOf('--out');
const outDir = outAt === -1 ? 'dist-cli' : process.argv[outAt + 1];
// A tool may run part of its work on a second thread: src/tools/<id>/cli-worker.ts → dist-cli/workers/<id>.mjs.
const workers = Object.fromEntries(
  readdirSync(new URL('../src/tools/', import.meta.url))
    .filter((id) => existsSync(new URL(`../src/tools/${id}/cli-worker.ts`, import.meta.url)))
    .map((id) => [`workers/${id}`, `src/tools/${id}/cli-worker.ts`]),
);
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

await build({
  root,
  configFile: false,
  logLevel: 'warn',
  define: { __APP_VERSION__: JSON.stringify(version) },
  // Every library goes into the bundle: only Node's own modules stay imports.
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: true,
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: !process.argv.includes('--no-minify'),
    sourcemap: false,
    copyPublicDir: false,
    reportCompressedSize: false,
    rollupOptions: {
      input: { 'hybrid-toolbox': 'src/cli/entry.ts', ...workers },
      output: {
        format: 'es',
        entryFileNames: '[name].mjs',
        // A tool's runner is named after its folder: chunks/dmarc-<hash>.mjs.
        chunkFileNames: (chunk) => {
          const tool = /src\/tools\/([^/]+)\/cli\.ts$/.exec(chunk.facadeModuleId ?? '')?.[1];
          return `chunks/${tool ?? chunk.name}-[hash].mjs`;
        },
      },
    },
  },
});

// The DMARC tool's IP table, read by the CLI beside its chunks (src/tools/dmarc/enrich/cli-ip-table.ts).
writeFileSync(join(outDir, 'ip-table.bin'), ipTableBytes());
