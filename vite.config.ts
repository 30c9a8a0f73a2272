import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { createHash } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

/** The only hosts the page may talk to besides itself, and only after an explicit sign-in. */
const MICROSOFT = 'https://login.microsoftonline.com https://graph.microsoft.com';

function csp(scriptSrc: string, workerSrc: string): string {
  return [
    "default-src 'self'",
    `script-src ${scriptSrc}`,
    // Svelte sets style attributes (virtual rows, chart sizes); styles cannot send data anywhere.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${MICROSOFT}`,
    "frame-src 'self' https://login.microsoftonline.com",
    `worker-src ${workerSrc}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * Writes the Content-Security-Policy into the page. The dev server gets none (its HMR client needs more); the
 * single-file build is finished in `placeSingleFile`, once its code is inline.
 */
function contentSecurityPolicy(isSingle: boolean): Plugin {
  return {
    name: 'ht-csp',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (ctx.server) return html.replace(/\s*<meta http-equiv="Content-Security-Policy"[^>]*>/, '');
        return isSingle ? html : html.replace('%HT_CSP%', csp("'self'", "'self'"));
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
 * Moves the single-file build to dist/hybrid-toolbox.html and sets its policy: the code is inline, so the policy
 * allows exactly that code by hash (never 'unsafe-inline'), and workers from blob:/data: URLs.
 */
function placeSingleFile(): Plugin {
  return {
    name: 'ht-place-single-file',
    apply: 'build',
    async closeBundle() {
      let html = await readFile(resolve('dist-single/index.html'), 'utf8');
      const hashes = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)]
        .filter((m) => m[1]!.trim() !== '')
        .map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
      html = html.replace('%HT_CSP%', csp(hashes.join(' '), "'self' blob: data:"));
      await writeFile(resolve('dist/hybrid-toolbox.html'), html);
      await rm(resolve('dist-single'), { recursive: true, force: true });
    },
  };
}

export default defineConfig(({ mode }) => {
  const isSingle = mode === 'single';
  return {
    base: './',
    define: { __APP_VERSION__: JSON.stringify(version) },
    plugins: [
      svelte(),
      contentSecurityPolicy(isSingle),
      ...(isSingle
        ? [inlineWorkers(), viteSingleFile({ removeViteModuleLoader: true }), placeSingleFile()]
        : []),
    ],
    // Chromium refuses module workers from blob: URLs under file://, so the single file uses classic workers.
    worker: { format: isSingle ? 'iife' : 'es' },
    build: isSingle
      ? { outDir: 'dist-single', emptyOutDir: true, copyPublicDir: false, chunkSizeWarningLimit: 10_000 }
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
