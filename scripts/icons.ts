// Renders the app icons (public/icons/*.png) from public/favicon.svg's drawing with the local Chromium.
// Run after changing the drawing: npx tsx scripts/icons.ts. The PNGs are committed; the build does not need this.
import { chromium } from '@playwright/test';
import { writeFile } from 'node:fs/promises';
import { chromiumPath, CHROMIUM_ARGS } from '../tests/browser.ts';

const ACCENT = '#2157d4';
const GLYPH = 'M8 9h4v5h8V9h4v14h-4v-5h-8v5H8z';

/** `any` icons: the rounded tile on a transparent ground. Maskable: a full-bleed tile, glyph in the safe zone. */
const svg = (maskable: boolean) =>
  maskable
    ? `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" fill="${ACCENT}"/>` +
      `<g transform="translate(16 16) scale(0.8) translate(-16 -16)"><path d="${GLYPH}" fill="#fff"/></g></svg>`
    : `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="${ACCENT}"/>` +
      `<path d="${GLYPH}" fill="#fff"/></svg>`;

const icons = [
  { file: 'icon-192.png', size: 192, maskable: false },
  { file: 'icon-512.png', size: 512, maskable: false },
  { file: 'icon-maskable-512.png', size: 512, maskable: true },
  { file: 'apple-touch-icon.png', size: 180, maskable: true },
];

const browser = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
const page = await browser.newPage();
for (const { file, size, maskable } of icons) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg(maskable)}`,
  );
  await writeFile(`public/icons/${file}`, await page.screenshot({ omitBackground: true }));
}
await writeFile('public/favicon.svg', svg(false) + '\n');
await browser.close();
