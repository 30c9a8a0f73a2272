import { build, type Plugin, type Rollup } from 'vite';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface BundleReport {
  /** The entry chunk and everything it imports statically: what every visitor downloads. */
  shell: { files: string[]; bytes: number; gzipBytes: number; modules: string[] };
  lazy: { file: string; bytes: number; gzipBytes: number; heavy: string[] }[];
}

/** Libraries that must load only with the tool that needs them. */
export const HEAVY = [
  '@azure/msal-browser',
  '@azure/msal-common',
  '@microsoft/microsoft-graph-client',
  'chart.js',
  'papaparse',
  'fast-xml-parser',
  'fflate',
  'saxes',
];

const heavyIn = (ids: string[]) => HEAVY.filter((h) => ids.some((id) => id.includes(`/node_modules/${h}/`)));

type Output = Rollup.OutputChunk | Rollup.OutputAsset;

/** Builds the app in memory (no files written) and splits its chunks into the shell and the lazy rest. */
export async function bundleReport(): Promise<BundleReport> {
  const out = (await build({ logLevel: 'silent', build: { write: false } })) as
    Rollup.RollupOutput | Rollup.RollupOutput[];
  return reportOf((Array.isArray(out) ? out : [out]).flatMap((o) => o.output));
}

/**
 * Writes the report of the build it is part of to `path` (JSON), so that `npm test` checks the bundle of the
 * one build its end-to-end tests run on instead of building a second time. Used by vite.config.ts when
 * HT_BUNDLE_REPORT names the file.
 */
export function saveBundleReport(path: string): Plugin {
  return {
    name: 'ht-bundle-report',
    apply: 'build',
    generateBundle(_options, bundle) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(reportOf(Object.values(bundle))));
    },
  };
}

function reportOf(outputs: Output[]): BundleReport {
  const chunks = outputs.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  const byFile = new Map(chunks.map((c) => [c.fileName, c]));
  const entry = chunks.find((c) => c.isEntry && c.facadeModuleId?.endsWith('index.html'));
  if (!entry) throw new Error('No entry chunk for index.html');
  const shellFiles = new Set<string>();
  const visit = (c: Rollup.OutputChunk) => {
    if (shellFiles.has(c.fileName)) return;
    shellFiles.add(c.fileName);
    for (const i of c.imports) visit(byFile.get(i)!);
  };
  visit(entry);
  const css = outputs.filter(
    (o) =>
      o.type === 'asset' && o.fileName.endsWith('.css') && entry.viteMetadata?.importedCss.has(o.fileName),
  );
  const shellChunks = [...shellFiles].map((f) => byFile.get(f)!);
  const shellCode =
    shellChunks.map((c) => c.code).join('\n') +
    css.map((a) => String((a as Rollup.OutputAsset).source)).join('\n');
  return {
    shell: {
      files: [...shellFiles, ...css.map((c) => c.fileName)],
      bytes: Buffer.byteLength(shellCode),
      gzipBytes: gzipSync(shellCode).length,
      modules: shellChunks.flatMap((c) => c.moduleIds),
    },
    lazy: chunks
      .filter((c) => !shellFiles.has(c.fileName))
      .map((c) => ({
        file: c.fileName,
        bytes: Buffer.byteLength(c.code),
        gzipBytes: gzipSync(c.code).length,
        heavy: heavyIn(c.moduleIds),
      })),
  };
}

export function heavyInShell(r: BundleReport): string[] {
  return heavyIn(r.shell.modules);
}
