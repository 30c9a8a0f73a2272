import { test, expect, screenshot } from './fixtures.ts';
import type { Page, TestInfo } from '@playwright/test';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generateMoves } from '../../src/tools/move-report/generate.ts';

const FIXTURES = resolve('src/tools/move-report/fixtures');

const card = (page: Page, label: string) =>
  page.locator('.stats li').filter({ has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });

async function shot(page: Page, testInfo: TestInfo, view: string) {
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath(`${view}.png`), fullPage: true });
  await screenshot(page, `move-report-${view}`);
}

/** The drop zone's file input (its group carries the same name). */
const picker = (page: Page, label: string) => page.locator(`input[type="file"][aria-label="${label}"]`);

const tableRows = (page: Page, name: string) =>
  page.getByRole('table', { name, exact: true }).locator('tbody tr:not(.pad)');

async function tab(page: Page, name: RegExp) {
  await page.getByRole('tab', { name }).click();
}

test.describe('Mailbox move report', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('./#/move-report');
    await expect(page.getByRole('heading', { level: 1, name: 'Mailbox move report' })).toBeVisible();
  });

  test('drop an Exchange Online export and bad items: summary, Failed filter, a mailbox, CSV', async ({
    page,
  }, testInfo) => {
    await expect(page.getByRole('heading', { name: 'Move statistics, flattened' })).toBeVisible();
    await shot(page, testInfo, 'empty');

    await picker(page, 'Move statistics (CSV)').setInputFiles(resolve(FIXTURES, 'exo-raw-en-US.csv'));
    await expect(page.getByRole('tab', { name: /Mailboxes\s*5/ })).toBeVisible();
    await picker(page, 'Bad items (optional CSV)').setInputFiles(resolve(FIXTURES, 'bad-items-en-US.csv'));
    await expect(page.getByRole('tab', { name: /Bad items\s*7/ })).toBeVisible();

    // Hand-computed from the fixture (see report.test.ts).
    await expect(card(page, 'Done').locator('.value')).toHaveText('1');
    await expect(card(page, 'Done').locator('.detail')).toContainText('20.0 %');
    await expect(card(page, 'Ready to complete').locator('.value')).toHaveText('1');
    await expect(card(page, 'In flight').locator('.value')).toHaveText('2');
    await expect(card(page, 'Needs attention').locator('.value')).toHaveText('1');
    // 10.9 GiB were transferred of 12.8 GiB, yet Carla (failed at 40 %) and Dirk (at 50 %) still have 3 GiB to copy.
    await expect(card(page, 'Data copied').locator('.value')).toHaveText('76.7 %');
    await expect(card(page, 'Data copied').locator('.detail')).toHaveText(
      '9.8 GiB of 12.8 GiB copied · 3.0 GiB left',
    );
    await expect(card(page, 'ETA').locator('.value')).toHaveText('24 Nov');
    await expect(card(page, 'ETA').locator('.detail')).toContainText('2026-11-24 19:58');
    await expect(page.getByText('All stalls: 22.7 %')).toBeVisible();
    await expect(page.getByText('DataConsistencyScoringFactors holds the type name')).toBeVisible();
    await shot(page, testInfo, 'fixture-summary');

    await tab(page, /Mailboxes/);
    await page.getByRole('button', { name: /^Failed\s+1$/ }).click();
    const rows = tableRows(page, 'Mailboxes');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toContainText('Carla Díaz');
    await rows.first().click();
    const detail = page.getByRole('article', { name: 'Carla Díaz' });
    await expect(detail.getByText('TooManyBadItemsPermanentException').first()).toBeVisible();
    await expect(detail.getByText(/Raise BadItemLimit/)).toBeVisible();
    await expect(detail.getByText('2026-11-22 16:10')).toBeVisible();
    await expect(detail.getByRole('cell', { name: 'CorruptFolderACL' })).toBeVisible();
    await shot(page, testInfo, 'fixture-mailbox');

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Mailboxes CSV' }).click();
    const file = await (await download).path();
    const csv = (await readFile(file!, 'utf8')).replace(/^\ufeff/, '');
    const lines = csv.trim().split(/\r\n(?=[^,]*,)/);
    expect(lines[0]).toMatch(/^Mailbox,Alias,ExchangeGuid,Batch,Status,/);
    expect(csv).toContain('Anna Berg,aberg,1f0c7a40-2c1e-4d55-9b1a-0a7e2b9c1a01,Wave1,Completed,');
    expect(csv).toContain('2026-11-23T14:05:09');
  });

  test('3,000 generated moves (de-DE, ";", UTF-16LE): every view', async ({ page }, testInfo) => {
    const g = generateMoves({
      moves: 3000,
      seed: 17,
      culture: 'de-DE',
      delimiter: ';',
      encoding: 'utf-16le',
      strayBadItems: 3,
    });
    const moves = testInfo.outputPath('moves-de-DE.csv');
    const bad = testInfo.outputPath('bad-items.csv');
    await writeFile(moves, g.bytes);
    await writeFile(bad, g.badItems.bytes);
    await picker(page, 'Bad items (optional CSV)').setInputFiles(bad);
    await picker(page, 'Move statistics (CSV)').setInputFiles(moves);
    await expect(page.getByRole('tab', { name: /Mailboxes\s*3,000/ })).toBeVisible();
    const done = (g.expected.byStatus.Completed ?? 0) + (g.expected.byStatus.CompletedWithWarning ?? 0);
    await expect(card(page, 'Done').locator('.value')).toHaveText(done.toLocaleString('en-US'));
    await expect(page.getByText(/day first/)).toBeVisible();
    // Each summary card is as tall as what it says: the short Health card does not stretch to the Failures card.
    const cardHeight = async (title: string) =>
      (await page
        .locator('section.card')
        .filter({ has: page.getByRole('heading', { name: title, exact: true }) })
        .boundingBox())!.height;
    expect(await cardHeight('Health')).toBeLessThan(await cardHeight('Failures'));
    await shot(page, testInfo, 'summary');

    await tab(page, /Batches/);
    await expect(page.getByRole('heading', { name: 'Status by batch' })).toBeVisible();
    await expect(page.locator('canvas')).toHaveCount(1);
    await page.waitForTimeout(300); // chart.js draws on the next frame
    await shot(page, testInfo, 'batches');

    await tab(page, /Mailboxes/);
    await page.getByRole('button', { name: /^In progress/ }).click();
    await tableRows(page, 'Mailboxes').first().click();
    await expect(page.getByRole('heading', { name: 'Timeline' })).toBeVisible();
    await shot(page, testInfo, 'mailboxes');

    await tab(page, /Throughput/);
    await expect(page.getByRole('heading', { name: "Health against Microsoft's thresholds" })).toBeVisible();
    await expect(page.locator('canvas')).toHaveCount(2);
    await page.waitForTimeout(300);
    await shot(page, testInfo, 'health');

    await tab(page, /Failures/);
    await expect(
      page.getByRole('heading', { name: 'SourceMailboxAlreadyBeingMovedTransientException' }),
    ).toBeVisible();
    await expect(
      page.locator('.fix strong', { hasText: "Couldn't switch the mailbox into Sync Source mode." }),
    ).toBeVisible();
    await shot(page, testInfo, 'failures');

    await tab(page, /Bad items/);
    await expect(
      page.getByText(/3 bad item\(s\) name mailboxes that are not in the moves export/),
    ).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'Per mailbox, for user notices' })).toBeVisible();
    await shot(page, testInfo, 'bad-items');

    await page.emulateMedia({ media: 'print' });
    await expect(page.getByRole('heading', { name: 'Mailbox migration status' })).toBeAttached();
    const paper = page.getByRole('region', { name: 'Printable summary' });
    // Every failure type on paper, and the lines add up to every move with a failure.
    const failureTypes = Object.entries(g.expected.byFailureType ?? {});
    const items = paper.locator('h2:text-is("Failures") + p + ul > li');
    await expect(items).toHaveCount(failureTypes.length);
    for (const [type, n] of failureTypes)
      await expect(items.filter({ hasText: `${type}: ${n}` })).toHaveCount(1);
    const failing = failureTypes.reduce((sum, [, n]) => sum + n, 0);
    await expect(paper).toContainText(`${failing.toLocaleString('en-US')} moves with a failure`);
    await expect(paper).toContainText('consistency Investigate or Poor');
    await expect(paper).toContainText(/of the mailbox data copied/);
    // Paper has no tabs or rows below to point at.
    await expect(paper).not.toContainText(/\btab\b|see the rows below/i);
    await shot(page, testInfo, 'print');
    await page.emulateMedia({ media: 'screen', colorScheme: 'dark' });
    await tab(page, /Summary/);
    await shot(page, testInfo, 'summary-dark');
  });

  test('an unusable file says why and shows the export command', async ({ page }) => {
    await picker(page, 'Move statistics (CSV)').setInputFiles({
      name: 'users.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('"Name","Department"\r\n"Anna","IT"\r\n'),
    });
    await expect(page.getByText(/does not look like Get-MoveRequestStatistics output/)).toBeVisible();
  });
});

test.describe('Mailbox move report under hostile input', () => {
  test('a PNG as bad items is named and not used; the report stays; a PNG as moves replaces it', async ({
    page,
  }, testInfo) => {
    await page.goto('./#/move-report');
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 1,
    ]);
    await picker(page, 'Move statistics (CSV)').setInputFiles(resolve(FIXTURES, 'exo-raw-en-US.csv'));
    await expect(page.getByRole('tab', { name: /Mailboxes\s*5/ })).toBeVisible();
    await picker(page, 'Bad items (optional CSV)').setInputFiles({
      name: 'bad-items.csv',
      mimeType: 'text/csv',
      buffer: png,
    });
    const notUsed = page.getByRole('region', { name: 'Not used' });
    await expect(notUsed).toContainText('bad-items.csv is a PNG image, not a bad-items CSV export.');
    // The moves' figures are those of the export alone (hand-computed, see the first test).
    await expect(page.getByRole('tab', { name: /Mailboxes\s*5/ })).toBeVisible();
    await expect(card(page, 'Done').locator('.value')).toHaveText('1');
    await expect(card(page, 'Needs attention').locator('.value')).toHaveText('1');
    await shot(page, testInfo, 'hostile-bad-items');

    // With a file loaded, the moves drop zone is named after it.
    await picker(page, 'Moves: exo-raw-en-US.csv').setInputFiles({
      name: 'moves.csv',
      mimeType: 'text/csv',
      buffer: png,
    });
    await expect(
      page.getByText('moves.csv is a PNG image, not a Get-MoveRequestStatistics CSV export.'),
    ).toBeVisible();
    await expect(page.getByRole('tab', { name: /Mailboxes/ })).toHaveCount(0);
  });
});
