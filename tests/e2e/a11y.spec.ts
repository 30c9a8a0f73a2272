import { test, expect } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/*
 * Every file tool with its sample data loaded, checked by axe-core in light and dark, and photographed at desktop,
 * dark and phone sizes. One page load per tool: the sample is generated in the page, so this stays cheap.
 */

// Evaluated, not added as a <script>: the page's Content-Security-Policy rightly refuses inline scripts.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = process.env.HT_SHOTS ?? 'test-results/screens';

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  // A theme switch fades colours for a moment: judge contrast once the transitions have ended.
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: Document, o: object) => Promise<{ violations: unknown[] }> };
    };
    const r = await w.axe.run(document, {
      resultTypes: ['violations'],
      // Experimental in axe, on here: a spoken name must contain the visible text.
      rules: { 'label-content-name-mismatch': { enabled: true } },
    });
    return r.violations;
  });
  // One line per element, so a failure names what to fix.
  return (violations as AxeViolation[]).flatMap((v) =>
    v.nodes.map(
      (n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`,
    ),
  );
}

async function shoot(page: Page, name: string) {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

const TOOLS: { id: string; ready: (page: Page) => Promise<void>; more?: (page: Page) => Promise<void> }[] = [
  {
    id: 'dmarc',
    ready: (page) =>
      expect(page.getByRole('tablist', { name: 'DMARC views' })).toBeVisible({ timeout: 30_000 }),
  },
  {
    id: 'sync-check',
    ready: (page) => expect(page.getByRole('tablist', { name: 'Results' })).toBeVisible({ timeout: 30_000 }),
  },
  {
    id: 'move-report',
    ready: (page) =>
      expect(page.getByRole('tablist', { name: 'Report views' })).toBeVisible({ timeout: 30_000 }),
  },
  {
    id: 'risk-triage',
    ready: (page) =>
      expect(page.getByRole('tablist', { name: 'Risk triage views' })).toBeVisible({ timeout: 30_000 }),
    // The user detail with its ticket: checked too.
    more: async (page) => {
      await page.getByRole('table', { name: 'Risky users by priority' }).locator('tbody tr').first().click();
      await expect(page.getByRole('button', { name: 'Copy ticket' })).toBeVisible();
    },
  },
  {
    id: 'immutable-id',
    ready: (page) =>
      expect(page.getByRole('table', { name: 'Converted IDs' })).toBeVisible({ timeout: 30_000 }),
    // One ID converted above the bulk table: every form's card is checked too.
    more: async (page) => {
      await page.locator('#id-help').getByRole('button', { name: 'GUID', exact: true }).click();
      await expect(page.getByRole('region', { name: 'Result' })).toBeVisible();
    },
  },
];

for (const tool of TOOLS) {
  test(`${tool.id}: sample data loads, the drop zone becomes a bar, and axe finds nothing (light and dark)`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`./#/${tool.id}`);
    await page.getByRole('button', { name: 'Try with sample data' }).click();
    await tool.ready(page);
    await expect(page.getByRole('note', { name: 'Sample data' })).toBeVisible();
    // Collapsed: the big zone and its sample button are gone, the add/replace bar is there.
    await expect(page.getByRole('button', { name: 'Try with sample data' })).toHaveCount(0);
    await expect(
      page.getByRole('button', { name: /^(Add or replace files|Replace the file)$/ }).first(),
    ).toBeVisible();
    // Focus stays at the bar that replaced the pressed button.
    await expect(page.locator(':focus')).toHaveText(/^(Add or replace files|Replace the file)$/);
    await tool.more?.(page);
    await page.getByRole('button', { name: /^Theme:/ }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    expect(await axe(page), 'axe violations, light').toEqual([]);
    await shoot(page, `${tool.id}-sample-1440`);
    await page.getByRole('button', { name: /^Theme:/ }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await axe(page), 'axe violations, dark').toEqual([]);
    await shoot(page, `${tool.id}-sample-dark`);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: /^Theme:/ }).click();
    await shoot(page, `${tool.id}-sample-390`);
  });
}

test('keyboard: a table is one tab stop, Enter opens the detail, Escape gives focus back to the row', async ({
  page,
}) => {
  await page.goto('./#/dmarc');
  await page.getByRole('button', { name: 'Try with sample data' }).click();
  await page.getByRole('tab', { name: /^Senders/ }).click();
  const table = page.getByRole('table', { name: 'Senders' });
  const inRow = () =>
    page.evaluate(() => document.activeElement?.closest('tbody tr')?.getAttribute('data-pos'));
  await page.getByRole('searchbox', { name: 'Search Senders' }).focus();
  // The table's own buttons (filters, columns, two CSVs), then the first row: no stop per column header.
  let presses = 0;
  while (presses < 12 && (await inRow()) == null) {
    await page.keyboard.press('Tab');
    presses++;
  }
  expect(await inRow()).toBe('0');
  expect(presses).toBeLessThanOrEqual(5);
  // One more Tab leaves the table; Shift+Tab comes back to the same row.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => !!document.activeElement?.closest('table'))).toBe(false);
  await page.keyboard.press('Shift+Tab');
  expect(await inRow()).toBe('0');

  // Up from the first row reaches the sort buttons, Right moves along them, Down comes back.
  await page.keyboard.press('ArrowUp');
  await expect(table.locator('thead button[data-col="0"]')).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(table.locator('thead button[data-col="1"]')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await inRow()).toBe('1');
  const name = (await table.locator('tbody tr[data-pos="1"] td').first().textContent())!.trim();

  await page.keyboard.press('Enter');
  const heading = page.getByRole('heading', { level: 2, name });
  await expect(heading).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(heading).toHaveCount(0);
  await expect(page.getByRole('table', { name: 'Senders' }).locator('tbody tr[data-pos="1"]')).toBeFocused();
});

test('keyboard: Sync check rows open the user with Enter, and Close returns focus to the row', async ({
  page,
}) => {
  await page.goto('./#/sync-check');
  await page.getByRole('button', { name: 'Try with sample data' }).click();
  const rows = page.getByRole('region', { name: /scrollable$/ }).locator('tbody tr[data-pos]');
  await expect(rows.first()).toBeVisible({ timeout: 30_000 });
  await expect(rows.locator('xpath=self::*[@tabindex="0"]')).toHaveCount(1);
  await rows.first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await page.keyboard.press('Enter');
  const close = page.getByRole('button', { name: 'Close' });
  await expect(close).toBeVisible();
  expect(await page.evaluate(() => !!document.activeElement?.closest('.detail'))).toBe(true);
  await close.focus();
  await page.keyboard.press('Enter');
  await expect(close).toHaveCount(0);
  await expect(rows.nth(1)).toBeFocused();
});
