import { test, expect, screenshot } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

/* Reports kept across visits: the switch, a drop kept in IndexedDB, a reload that shows it again, export, forget, import. */
const FIXTURES = resolve('src/tools/dmarc/fixtures');

const card = (page: Page, label: string) =>
  page
    .locator('.stats li')
    .filter({ has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) })
    .locator('.value');
// Evaluated, not a <script>: the page's Content-Security-Policy refuses inline scripts.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
async function axe(page: Page, selector: string): Promise<string[]> {
  await page.evaluate(AXE);
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  return page.evaluate(async (sel) => {
    const w = window as unknown as {
      axe: {
        run: (
          ctx: string,
          o: object,
        ) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
      };
    };
    const r = await w.axe.run(sel, { resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  }, selector);
}

const stored = (page: Page) => page.getByRole('status', { name: 'Stored' });

test('kept reports: switch on, drop, reload shows everything kept; export, forget, import back', async ({
  page,
}) => {
  await page.goto('./#/dmarc');
  const keep = page.getByRole('switch', { name: 'Keep reports in this browser' });
  await expect(keep).not.toBeChecked();
  await keep.check();
  await expect(page.getByText(/persistent storage/)).toBeVisible();
  await expect(stored(page)).toHaveText(/Nothing kept yet/);

  await page.getByLabel(/\(folder\)$/).setInputFiles(FIXTURES);
  await expect(card(page, 'Messages')).toBeVisible({ timeout: 60_000 });
  const messages = await card(page, 'Messages').textContent();
  const reports = await card(page, 'Reports').textContent();
  await expect(stored(page)).toContainText(`Kept: ${reports} report(s)`);

  await page.getByRole('button', { name: 'Forget everything…' }).click();
  expect(await axe(page, 'section[aria-label="Reports kept in this browser"]')).toEqual([]);
  // And in the dark theme (the theme button goes round its choices).
  for (let i = 0; i < 3 && (await page.locator('html').getAttribute('data-theme')) !== 'dark'; i++)
    await page.getByRole('button', { name: /^Theme:/ }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(await axe(page, 'section[aria-label="Reports kept in this browser"]')).toEqual([]);
  await page.getByRole('button', { name: 'Keep them' }).click();

  // A new visit: the choice is remembered and what is kept is shown without dropping anything.
  await page.reload();
  await expect(keep).toBeChecked();
  await expect(page.getByRole('button', { name: 'Everything kept' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('status').filter({ hasText: /^Everything kept:/ })).toContainText(
    `${reports} report(s)`,
  );
  await expect(card(page, 'Messages')).toHaveText(messages!);
  await expect(card(page, 'Reports')).toHaveText(reports!);
  // The date range is over the days reports begin on: the fixtures all begin on 2025-01-01.
  await page.getByLabel('From', { exact: true }).fill('2025-01-02');
  await expect(page.getByText('No kept report begins in that date range.')).toBeVisible();
  await expect(card(page, 'Messages')).toHaveCount(0);
  await page.getByLabel('To', { exact: true }).fill('2025-01-01');
  await page.getByLabel('From', { exact: true }).fill('2025-01-01');
  await expect(card(page, 'Messages')).toHaveText(messages!);
  await page.getByRole('tab', { name: /^Senders/ }).click();
  await expect(page.getByRole('table', { name: 'Senders' }).getByRole('row').nth(1)).toBeVisible();
  await screenshot(page, 'dmarc-history-kept');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /Export history/ }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^dmarc-history-\d{4}-\d{2}-\d{2}\.json\.gz$/);
  const file = (await download.path())!;

  await page.getByRole('button', { name: 'Forget everything…' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Forget them' }).click();
  await expect(stored(page)).toHaveText(/Nothing kept yet/);
  await expect(card(page, 'Messages')).toHaveCount(0);

  // A file that is not a history is refused by name, and changes nothing.
  const picker = page.locator('section[aria-label="Reports kept in this browser"] input[type=file]');
  await picker.setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"a":1}'),
  });
  await expect(page.getByRole('alert')).toContainText('notes.json was not imported');
  await expect(stored(page)).toHaveText(/Nothing kept yet/);

  await picker.setInputFiles({
    name: 'backup.json.gz',
    mimeType: 'application/gzip',
    buffer: await readFile(file),
  });
  await expect(page.getByRole('status').filter({ hasText: /^Imported backup/ })).toContainText(
    `${reports} new`,
  );
  await page.getByRole('button', { name: 'Everything kept' }).click();
  await page.getByRole('tab', { name: /^Overview/ }).click();
  await expect(card(page, 'Messages')).toHaveText(messages!);
});
