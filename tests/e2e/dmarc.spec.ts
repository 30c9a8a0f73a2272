import { test, expect, screenshot } from './fixtures.ts';
import type { Page, TestInfo } from '@playwright/test';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'fflate';
import { BINARY_STARTS, outlookMail, reportBytes, reportXml } from '../../src/tools/dmarc/hostile-inputs.ts';

/*
 * The whole public corpus (../shared/fixtures/dmarc/real) dropped as a folder, as an admin would. Where the
 * corpus is absent the five handwritten fixtures stand in, with their own hand-computed totals.
 */
const CORPUS = resolve('../shared/fixtures/dmarc/real');
const FIXTURES = resolve('src/tools/dmarc/fixtures');
const hasCorpus = existsSync(join(CORPUS, 'SOURCES.md'));
const EXPECTED = hasCorpus
  ? // 406 files and SOURCES.md, which is skipped as not a report.
    {
      folder: CORPUS,
      files: 407,
      messages: '20,628',
      pass: '85.9 %',
      reports: '352',
      duplicates: '13 duplicate(s)',
      // 37 rejected (SOURCES.md is not a report) and 20 read with warnings (one a failure report's copy).
      problems: '57',
    }
  : {
      folder: FIXTURES,
      files: 5,
      messages: '54',
      pass: '83.3 %',
      reports: '5',
      duplicates: '0 duplicate(s)',
      problems: '0',
    };

const card = (page: Page, label: string) =>
  page.locator('.stats li').filter({ has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });

async function shot(page: Page, testInfo: TestInfo, view: string) {
  // The app header is sticky: from the top, a full-page capture does not paint it over the middle.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: testInfo.outputPath(`${view}.png`), fullPage: true });
  await screenshot(page, `dmarc-${view}`);
}

/** Drops a folder through the folder picker and waits for the overview; returns the longest main-thread task. */
async function dropFolder(page: Page, folder: string): Promise<{ ms: number; longestTask: number }> {
  await page.evaluate(() => {
    const w = window as unknown as { longest: number };
    w.longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longest = Math.max(w.longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  const started = Date.now();
  await page.getByLabel(/\(folder\)$/).setInputFiles(folder);
  await expect(card(page, 'Messages').locator('.value')).toBeVisible({ timeout: 60_000 });
  const ms = Date.now() - started;
  const longestTask = await page.evaluate(() => (window as unknown as { longest: number }).longest);
  return { ms, longestTask };
}

test.describe('DMARC reports', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('./#/dmarc');
    await expect(page.getByRole('heading', { level: 1, name: 'DMARC reports' })).toBeVisible();
  });

  test('drop the corpus folder: totals on screen, a sender opened down to its raw XML', async ({
    page,
  }, testInfo) => {
    await shot(page, testInfo, 'empty');
    const timing = await dropFolder(page, EXPECTED.folder);
    // Recorded, not asserted. The long task includes Playwright's own file injection (setInputFiles); the app alone
    // is measured by `npm run bench -- dmarc` with a real drop event.
    testInfo.annotations.push({
      type: 'timing',
      description: `${EXPECTED.files} files on screen in ${timing.ms} ms; longest main-thread task ${timing.longestTask.toFixed(0)} ms (with setInputFiles)`,
    });
    await expect(card(page, 'Messages').locator('.value')).toHaveText(EXPECTED.messages);
    await expect(card(page, 'DMARC pass').locator('.value')).toHaveText(EXPECTED.pass);
    await expect(card(page, 'Reports').locator('.value')).toHaveText(EXPECTED.reports);
    await expect(card(page, 'Reports').locator('.detail')).toContainText(EXPECTED.duplicates);
    await expect(card(page, 'Files with problems').locator('.value')).toHaveText(EXPECTED.problems);
    await expect(page.getByRole('heading', { name: /ready|Ready|No data/ })).toBeVisible();
    await expect(page.getByRole('img', { name: /Messages per (day|month)/ })).toBeVisible();
    await shot(page, testInfo, 'overview');

    await page.getByRole('tab', { name: /^Senders/ }).click();
    const senders = page.getByRole('table', { name: 'Senders' });
    await expect(senders).toBeVisible();
    await shot(page, testInfo, 'senders');
    await senders.getByRole('row').filter({ hasText: 'Google Workspace / Gmail' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Google Workspace / Gmail' })).toBeVisible();
    const records = page.getByRole('table', { name: /^Records of Google/ });
    await records.getByRole('row').nth(1).click();
    const raw = page.getByRole('region', { name: /^Raw XML of / });
    await expect(raw).toContainText('<feedback');
    await expect(raw).toContainText('<record>');
    await shot(page, testInfo, 'sender-detail');

    for (const [tab, view] of [
      ['Domains', 'domains'],
      ['Reporters', 'reporters'],
      ['Failing', 'failing'],
      ['Files', 'files'],
    ] as const) {
      await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
      await expect(page.getByRole('tabpanel')).toBeVisible();
      await shot(page, testInfo, view);
    }
    if (hasCorpus) {
      const files = page.getByRole('table', { name: 'Files' });
      await page.getByRole('searchbox', { name: 'Search Files' }).fill('ikea');
      await expect(files.getByRole('row').nth(1)).toContainText('line 47, column 11');
    }
  });

  test('every export downloads with the documented content', async ({ page }) => {
    await dropFolder(page, EXPECTED.folder);
    const save = async (name: string | RegExp) => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name }).click(),
      ]);
      return { name: download.suggestedFilename(), text: await readFile((await download.path())!, 'utf8') };
    };
    const json = await save(/^⤓?JSON$/);
    expect(json.name).toMatch(/^dmarc-\d{4}-\d{2}-\d{2}\.json$/);
    const doc = JSON.parse(json.text);
    expect(Object.keys(doc)).toEqual([
      'verdict',
      'files',
      'totals',
      'reports',
      'senders',
      'failureReports',
      'tlsReports',
      'ipTable',
      'countries',
    ]);
    // The IP table came from the app's own origin (the fixture fails on any other request).
    expect(doc.ipTable.date).toMatch(/^20\d\d-\d\d-\d\d$/);
    expect(doc.ipTable.ipsKnown).toBeGreaterThan(0);
    expect(doc.countries.length).toBeGreaterThan(0);
    expect(doc.files).toHaveLength(EXPECTED.files);
    expect(doc.totals.messages.toLocaleString('en-US')).toBe(EXPECTED.messages);

    const nd = await save(/NDJSON/);
    const lines = nd.text.trim().split('\n');
    expect(lines).toHaveLength(doc.totals.records);
    expect(Object.keys(JSON.parse(lines[0]!))).toContain('passed_dmarc');
    expect(Object.keys(JSON.parse(lines[0]!))).toContain('source_asn');

    await page.getByText('CSV per view').click();
    for (const view of ['senders', 'failing', 'domains', 'reporters', 'dispositions', 'files', 'records']) {
      const csv = await save(new RegExp(`^⤓?${view}$`));
      expect(csv.name).toMatch(new RegExp(`^dmarc-${view}-`));
      expect(csv.text.startsWith('\ufeff')).toBe(true);
    }
  });

  test('adding more files re-reads the union; a hostile file is refused and the tab lives', async ({
    page,
  }, testInfo) => {
    await dropFolder(page, FIXTURES);
    await expect(card(page, 'Messages').locator('.value')).toHaveText('54');
    const dir = await mkdtemp(join(tmpdir(), 'dmarc-e2e-'));
    // 200 MiB of zeros in many gzip members: a bomb that must stop early.
    const member = gzipSync(new Uint8Array(8 << 20), { level: 1 });
    const bomb = Buffer.concat(new Array(25).fill(Buffer.from(member)));
    await writeFile(join(dir, 'bomb.xml.gz'), bomb);
    await writeFile(
      join(dir, 'lol.xml'),
      '<?xml version="1.0"?><!DOCTYPE f [<!ENTITY a "aaaa">]><feedback>&a;</feedback>',
    );
    await page.getByLabel(/\(folder\)$/).setInputFiles(dir);
    await expect(card(page, 'Files with problems').locator('.value')).toHaveText('2');
    await expect(card(page, 'Messages').locator('.value')).toHaveText('54');
    await page.getByRole('tab', { name: /^Files/ }).click();
    const table = page.getByRole('table', { name: 'Files' });
    await expect(table.getByRole('row').filter({ hasText: 'bomb.xml.gz' })).toContainText('compression bomb');
    await expect(table.getByRole('row').filter({ hasText: 'lol.xml' })).toContainText('DOCTYPE');
    await shot(page, testInfo, 'files-hostile');
  });

  test('hostile and wrong files beside good ones: the good figures stand, each bad file has its verdict', async ({
    page,
  }, testInfo) => {
    await dropFolder(page, FIXTURES);
    await expect(card(page, 'Messages').locator('.value')).toHaveText('54');
    await expect(card(page, 'Days with mail').locator('.detail')).toHaveText('2025-01-01 → 2025-01-02');
    const dir = await mkdtemp(join(tmpdir(), 'dmarc-e2e-hostile-'));
    const forged = (id: string, parts: Parameters<typeof reportXml>[0]) =>
      reportXml({ org: 'forged.example', reportId: id, ...parts });
    await writeFile(join(dir, 'forged-date.xml'), forged('d', { begin: '99999999999999' }));
    await writeFile(
      join(dir, 'huge-count.xml'),
      forged('c', { records: [{ count: '1' + '0'.repeat(39) }, { count: '3' }] }),
    );
    await writeFile(
      join(dir, 'ancient.xml'),
      forged('a', { begin: '298771200', end: '298857599', records: [{ count: '4' }] }),
    );
    await writeFile(
      join(dir, 'outlook.eml'),
      outlookMail(reportBytes({ org: 'Outlook.com', reportId: 'o', records: [{ count: '2' }] })),
    );
    await writeFile(join(dir, 'screenshot.xml'), new Uint8Array(BINARY_STARTS.png));
    await writeFile(join(dir, 'empty.xml'), '');
    await page.getByLabel(/\(folder\)$/).setInputFiles(dir);
    // 54 + 3 (the sane record beside the 40-digit count) + 4 (1979, counted) + 2 (Outlook.com).
    await expect(card(page, 'Messages').locator('.value')).toHaveText('63');
    await expect(card(page, 'Reports').locator('.value')).toHaveText('8');
    // The 1979 report does not stretch the period.
    await expect(card(page, 'Days with mail').locator('.detail')).toHaveText('2025-01-01 → 2025-01-02');
    await expect(card(page, 'Files with problems').locator('.value')).toHaveText('5');
    await expect(card(page, 'Files with problems').locator('.detail')).toHaveText(
      '3 rejected, 2 with 2 warning(s), 0 skipped',
    );
    await expect(page.getByRole('status').filter({ hasText: 'Some files could not be read.' })).toContainText(
      '3 file(s) or member(s) could not be read',
    );
    await expect(page.getByRole('region', { name: 'Files that could not be read' })).toContainText(
      '3 errors, 0 warnings',
    );
    await shot(page, testInfo, 'overview-hostile');
    await page.getByRole('tab', { name: /^Files/ }).click();
    const table = page.getByRole('table', { name: 'Files' });
    const row = (name: string) => table.getByRole('row').filter({ hasText: name });
    await expect(row('forged-date.xml')).toContainText('Rejected');
    await expect(row('forged-date.xml')).toContainText('is not a date');
    await expect(row('screenshot.xml')).toContainText('is a PNG image');
    await expect(row('empty.xml')).toContainText('is empty');
    await expect(row('huge-count.xml')).toContainText('more than one record can hold');
    await expect(row('ancient.xml')).toContainText('before 1990');
    // Outlook.com's HTML body is not a report part: only the attachment has a verdict, and it is fine.
    await expect(row('outlook.eml')).toHaveCount(1);
    await expect(row('outlook.eml')).toContainText('OK');
    await expect(page.getByRole('region', { name: 'Problems in the files' })).toContainText(
      '3 errors, 2 warnings',
    );
    await shot(page, testInfo, 'files-hostile-values');
  });

  test('nothing usable: a banner says so and no figures are shown', async ({ page }, testInfo) => {
    const dir = await mkdtemp(join(tmpdir(), 'dmarc-e2e-unusable-'));
    await writeFile(join(dir, 'report.xml'), new Uint8Array(BINARY_STARTS.pdf));
    await writeFile(join(dir, 'export.csv'), 'Source IP,Count\r\n192.0.2.1,4\r\n');
    await page.getByLabel(/\(folder\)$/).setInputFiles(dir);
    const banner = page.getByRole('alert').filter({ hasText: 'No DMARC report could be read.' });
    await expect(banner).toBeVisible({ timeout: 60_000 });
    await expect(banner).toContainText('report.xml is a PDF document');
    await expect(banner).toContainText('neither XML, JSON, zip, gzip nor a saved mail');
    await expect(card(page, 'Messages')).toHaveCount(0);
    await shot(page, testInfo, 'unusable');
  });

  test('dark theme and keyboard: the tabs move with the arrow keys', async ({ page }, testInfo) => {
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    await dropFolder(page, EXPECTED.folder);
    await page.getByRole('tab', { name: 'Overview' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: /^Senders/ })).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('ArrowLeft');
    await expect(page.getByRole('tab', { name: 'Overview' })).toHaveAttribute('aria-selected', 'true');
    await shot(page, testInfo, 'overview-dark');
  });
});

test.describe('DMARC menus, texts and the Files table', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('./#/dmarc');
    await expect(page.getByRole('heading', { level: 1, name: 'DMARC reports' })).toBeVisible();
  });

  test('"CSV per view" and "Columns" close on Escape, a click outside and a tab switch; the CSV menu covers nothing', async ({
    page,
  }, testInfo) => {
    await dropFolder(page, EXPECTED.folder);
    await page.getByRole('tab', { name: /^Senders/ }).click();
    const toggle = page.getByRole('button', { name: /^CSV per view/ });
    const menu = page.getByRole('group', { name: 'CSV per view' });

    await toggle.click();
    await expect(menu).toBeVisible();
    await expect(toggle).toHaveAttribute('aria-expanded', 'true');
    // In the flow, not over the table's own buttons.
    const excel = page.getByRole('button', { name: /CSV for Excel/ });
    const [a, b] = [(await menu.boundingBox())!, (await excel.boundingBox())!];
    const overlaps =
      a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
    expect(overlaps).toBe(false);
    await excel.click({ trial: true });
    await shot(page, testInfo, 'csv-menu-open');

    await menu.getByRole('button').first().focus();
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
    await expect(toggle).toBeFocused();

    await toggle.click();
    await expect(menu).toBeVisible();
    await page.getByRole('heading', { level: 1 }).click();
    await expect(menu).toHaveCount(0);

    await toggle.click();
    await page.getByRole('tab', { name: /^Domains/ }).click();
    await expect(menu).toHaveCount(0);

    const chooser = page.locator('details.chooser');
    const columns = chooser.locator('summary', { hasText: 'Columns' });
    await columns.click();
    await expect(chooser).toHaveAttribute('open', '');
    await chooser.getByRole('checkbox').first().focus();
    await page.keyboard.press('Escape');
    await expect(chooser).not.toHaveAttribute('open');
    await expect(columns).toBeFocused();

    await columns.click();
    await expect(chooser).toHaveAttribute('open', '');
    await page.getByRole('heading', { level: 2 }).first().click();
    await expect(chooser).not.toHaveAttribute('open');

    // Still a working chooser: unticking a column hides it.
    const headers = page.getByRole('tabpanel').getByRole('columnheader');
    const before = await headers.count();
    await columns.click();
    await chooser.getByRole('checkbox').first().uncheck();
    await expect(headers).toHaveCount(before - 1);
  });

  test('the Unknown sender says it is not recognised, and its reporters never start with a comma', async ({
    page,
  }) => {
    await dropFolder(page, EXPECTED.folder);
    await page.getByRole('tab', { name: /^Senders/ }).click();
    await page
      .getByRole('table', { name: 'Senders' })
      .getByRole('row')
      .filter({ hasText: /^Unknown/ })
      .click();
    const detail = page.getByRole('region', { name: 'Unknown' });
    await expect(detail.getByRole('heading', { level: 2, name: 'Unknown' })).toBeVisible();
    const subtitle = detail.locator('p.muted').first();
    await expect(subtitle).toHaveText(
      'Not recognised: no listed IP range, and neither DKIM nor SPF passed for any domain.',
    );
    const reporters = card(page, 'Reporters').locator('.detail');
    await expect(reporters).not.toHaveText(/^\s*,/);
    await expect(reporters).not.toBeEmpty();
  });

  test('the IP table is fetched only once the user starts to give reports (a drag enters the drop zone), never on opening the tool', async ({
    page,
  }) => {
    const tables: string[] = [];
    page.on('request', (r) => {
      if (/\/assets\/ip-table-[0-9a-f]+\.bin$/.test(r.url())) tables.push(r.url());
    });
    await page.goto('./#/dmarc');
    await expect(page.getByRole('button', { name: 'Choose files' })).toBeVisible();
    // The worker is up and idle; still nothing fetched.
    await page.waitForTimeout(500);
    expect(tables).toEqual([]);
    await page
      .locator('.drop')
      .dispatchEvent('dragenter', { dataTransfer: await page.evaluateHandle(() => new DataTransfer()) });
    await expect.poll(() => tables.length).toBe(1);
  });

  test('the Countries tab: messages by the country of the network holding each IP, with the table date and its credits', async ({
    page,
  }) => {
    await dropFolder(page, EXPECTED.folder);
    await page.getByRole('tab', { name: /^Countries/ }).click();
    const table = page.getByRole('table', { name: 'By country' });
    await expect(table.getByRole('row').filter({ hasText: 'United States (US)' })).toHaveCount(1);
    await expect(page.getByText(/from the offline IP table of 20\d\d-\d\d-\d\d/)).toBeVisible();
    await expect(page.getByRole('link', { name: 'IP Geolocation by DB-IP' })).toHaveAttribute(
      'href',
      'https://db-ip.com',
    );
  });

  test('a domain that already enforces is told what its policy does, not that it is almost ready', async ({
    page,
  }, testInfo) => {
    await page
      .locator('input[type=file][aria-label="DMARC reports"]')
      .setInputFiles(['microsoft.xml', 'gmx.xml', 'mimecast.xml'].map((n) => join(FIXTURES, n)));
    await expect(card(page, 'Messages').locator('.value')).toHaveText('21', { timeout: 60_000 });
    const readiness = page.getByRole('region', { name: /^Enforcing/ });
    await expect(readiness.getByRole('heading')).toHaveText('Enforcing, and legitimate senders pass');
    await expect(readiness).toContainText('Already enforcing p=quarantine,');
    await expect(readiness).toContainText('policy published now: p=quarantine');
    await expect(page.getByText(/Almost ready|Ready for p=quarantine/)).toHaveCount(0);
    await shot(page, testInfo, 'readiness-enforcing');
  });

  test('the Files table shows the end of each path; a row opens the full path and the whole reason', async ({
    page,
  }, testInfo) => {
    const dir = await mkdtemp(join(tmpdir(), 'dmarc-e2e-long-paths-'));
    const long = 'a folder with a rather long name that says nothing about the files in it';
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, long), { recursive: true });
    await writeFile(join(dir, long, 'google-1.xml'), await readFile(join(FIXTURES, 'google.xml')));
    await writeFile(join(dir, long, 'google-2.xml'), new Uint8Array(BINARY_STARTS.pdf));
    await page.getByLabel(/\(folder\)$/).setInputFiles(dir);
    await expect(card(page, 'Messages').locator('.value')).toBeVisible({ timeout: 60_000 });
    await page.getByRole('tab', { name: /^Files/ }).click();
    const table = page.getByRole('table', { name: 'Files' });
    const rows = table.getByRole('row');
    await expect(rows.nth(1).getByRole('cell').first()).toHaveText(/^….*google-2\.xml$/);
    await expect(rows.nth(2).getByRole('cell').first()).toHaveText(/^….*google-1\.xml$/);
    await rows.nth(1).click();
    const detail = page.getByRole('region', { name: 'Rejected' });
    await expect(detail).toContainText(`${long}/google-2.xml`);
    await expect(detail).toContainText('PDF document');
    await shot(page, testInfo, 'files-detail');
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);
  });
});
