import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { VitePWA, type VitePWAOptions } from 'vite-plugin-pwa';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PAGE_POLICY, PATHS, singleFilePolicy } from './scripts/security-policy.mjs';
import { hostConfigs } from './scripts/host-configs.ts';
import { saveBundleReport } from './bench/bundle-report.ts';
import { ipTableBytes, ipTableFileName } from './scripts/build-ip-tables.mjs';
import { resolve } from 'node:path';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
// A day, not a moment: two builds of the same code on one day are the same files (and no needless update prompt).
const buildDate = new Date(
  process.env.SOURCE_DATE_EPOCH ? Number(process.env.SOURCE_DATE_EPOCH) * 1000 : Date.now(),
)
  .toISOString()
  .slice(0, 10);

/**
 * Writes the Content-Security-Policy into the page. The dev server gets none (its HMR client needs more); the
 * single-file build is finished in `singleFilePolicyPlugin`, once its code is inline.
 */
function contentSecurityPolicy(isSingle: boolean): Plugin {
  return {
    name: 'ht-csp',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (ctx.server) return html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
        return isSingle ? html : html.replace('%HT_CSP%', PAGE_POLICY);
      },
    },
  };
}

/** In the single-file build every `?worker` import becomes an inline worker, so the file needs nothing beside it. */
function inlineWorkers(): Plugin {
  return {
    name: 'ht-inline-workers',
    enforce: 'pre',
    transform(code, id) {
      if (id.includes('node_modules') || !code.includes('?worker')) return;
      return code.replace(/(['"])([^'"]+\?worker)\1/g, '$1$2&inline$1');
    },
  };
}

/**
 * Sets the single file's policy once its code is inline: the policy allows exactly that code by hash (never
 * 'unsafe-inline'), and workers from blob:/data: URLs.
 */
function singleFilePolicyPlugin(): Plugin {
  return {
    name: 'ht-single-file-policy',
    apply: 'build',
    enforce: 'post',
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const page = bundle[PATHS.single];
        if (page?.type !== 'asset') throw new Error(`The single-file build made no ${PATHS.single}`);
        const html = String(page.source);
        const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
          .filter((m) => m[1]!.trim() !== '')
          .map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
        page.source = html.replace('%HT_CSP%', singleFilePolicy(hashes));
      },
    },
  };
}

/**
 * The DMARC tool's IP table (scripts/build-ip-tables.mjs) as a hashed asset beside the workers, which fetch it by the
 * name `__HT_IP_TABLE__` gives them. The single file carries none (its worker is inline and the table would add
 * 2 MB of base64 to it): the page says so.
 */
function ipTable(isSingle: boolean): Plugin {
  let bytes: Uint8Array | undefined;
  let fileName = '';
  return {
    name: 'ht-ip-table',
    config() {
      if (!isSingle) {
        bytes = ipTableBytes();
        fileName = ipTableFileName(bytes);
      }
      return { define: { __HT_IP_TABLE__: JSON.stringify(fileName) } };
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if (!bytes || !req.url?.split('?')[0]!.endsWith(`/${fileName}`)) return next();
        res.setHeader('Content-Type', 'application/octet-stream');
        res.end(bytes);
      });
    },
    generateBundle() {
      if (bytes) this.emitFile({ type: 'asset', fileName: `assets/${fileName}`, source: bytes });
    },
  };
}

/** The hosted build: ready configs for the common hosts, carrying the page's policy as headers. */
function hostConfigFiles(): Plugin {
  return {
    name: 'ht-host-configs',
    apply: 'build',
    generateBundle() {
      for (const [fileName, source] of Object.entries(hostConfigs()))
        this.emitFile({ type: 'asset', fileName, source });
    },
  };
}

/**
 * The hosted build is an installable app that works offline after one visit: Workbox precaches the shell, every
 * lazy tool chunk and the workers. At run time it caches only the DMARC IP table, so it never stores a Graph answer
 * (dropped files are never requested at all), and a new version waits for the user's "reload" instead of swapping mid-analysis.
 */
function offlineApp(): Plugin[] {
  const appleIcon: Plugin = {
    name: 'ht-apple-touch-icon',
    transformIndexHtml: (_html, ctx) =>
      ctx.path.endsWith('/index.html')
        ? [
            {
              tag: 'link',
              attrs: { rel: 'apple-touch-icon', href: './icons/apple-touch-icon.png' },
              injectTo: 'head',
            },
          ]
        : [],
  };
  const options: Partial<VitePWAOptions> = {
    registerType: 'prompt',
    injectRegister: false,
    manifestFilename: 'manifest.webmanifest',
    // With the manifest, its icons and what the globs below find, the precache holds every file the app uses.
    includeAssets: ['favicon.svg', 'icons/apple-touch-icon.png'],
    manifest: {
      id: './',
      name: 'Hybrid Toolbox',
      short_name: 'Hybrid Tools',
      description:
        'ImmutableID converter, DMARC analyzer, AD/Entra sync check, mailbox move report and Graph risk triage. Runs entirely in your browser.',
      start_url: './',
      scope: './',
      display: 'standalone',
      background_color: '#f6f7f9',
      theme_color: '#ffffff',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
        { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      ],
    },
    workbox: {
      globPatterns: ['index.html', 'assets/**/*.{js,css}'],
      // Hash-named files need no cache-busting query.
      dontCacheBustURLsMatching: /^assets\//,
      navigateFallback: 'index.html',
      // Other pages go to the network: the sign-in bridge must get Entra's answer, the single file is a download.
      navigateFallbackDenylist: [/\.html(\?|$)/],
      inlineWorkboxRuntime: true,
      cleanupOutdatedCaches: true,
      // The DMARC tool's IP table (1.5 MB) is fetched only by those who analyse reports, and kept from then on
      // for offline use; hash-named, so the newest version replaces the one before.
      runtimeCaching: [
        {
          urlPattern: /\/assets\/ip-table-[0-9a-f]+\.bin$/,
          handler: 'CacheFirst',
          options: { cacheName: 'ht-ip-table', expiration: { maxEntries: 1 } },
        },
      ],
    },
  };
  // Workbox writes sw.js to the output folder even when the build writes nothing (the bundle report's in-memory
  // build): leave the service worker out there.
  const inMemory: Plugin = {
    name: 'ht-no-service-worker-in-memory',
    enforce: 'pre',
    configResolved(config) {
      if (config.build.write === false) options.disable = true;
    },
  };
  return [inMemory, ...VitePWA(options), appleIcon];
}

export default defineConfig(({ mode, command }) => {
  const isSingle = mode === 'single';
  return {
    base: './',
    define: {
      __APP_VERSION__: JSON.stringify(version),
      __BUILD_DATE__: JSON.stringify(buildDate),
      // The single file runs from file:// where service workers do not exist; the dev server needs none.
      __HT_SERVICE_WORKER__: JSON.stringify(command === 'build' && !isSingle),
    },
    plugins: [
      svelte(),
      contentSecurityPolicy(isSingle),
      ipTable(isSingle),
      ...(isSingle
        ? [
            inlineWorkers(),
            viteSingleFile({ removeViteModuleLoader: true, outputFileName: PATHS.single }),
            singleFilePolicyPlugin(),
          ]
        : [offlineApp(), hostConfigFiles()]),
      // npm test: the bundle test reads this build's report instead of building again.
      ...(process.env.HT_BUNDLE_REPORT && !isSingle ? [saveBundleReport(process.env.HT_BUNDLE_REPORT)] : []),
    ],
    // Chromium refuses module workers from blob: URLs under file://, so the single file uses classic workers.
    worker: { format: isSingle ? 'iife' : 'es' },
    build: isSingle
      ? // Written beside the multi-file build, which runs first and empties the folder.
        { outDir: 'dist', emptyOutDir: false, copyPublicDir: false, chunkSizeWarningLimit: 10_000 }
      : {
          outDir: 'dist',
          emptyOutDir: true,
          target: 'es2022',
          chunkSizeWarningLimit: 1_000,
          rollupOptions: {
            // redirect.html is MSAL's sign-in bridge page; the single file cannot sign in, so it has none.
            input: { main: resolve('index.html'), redirect: resolve('redirect.html') },
          },
        },
  };
});
