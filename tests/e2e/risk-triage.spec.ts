import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { test, expect, screenshot } from './fixtures.ts';

const FIXTURES = resolve('src/tools/risk-triage/fixtures');
const files = ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map((f) =>
  resolve(FIXTURES, f),
);

async function dropExports(page: import('@playwright/test').Page) {
  await page.goto('./#/risk-triage');
  await expect(page.getByRole('heading', { level: 1, name: 'Risk triage' })).toBeVisible();
  await page
    .locator('input[type=file][aria-label="Drop riskyUsers and riskDetections JSON"]')
    .setInputFiles(files);
  await expect(page.getByRole('table', { name: 'Risky users by priority' })).toBeVisible();
}

test('triages dropped exports into a queue with details and tickets', async ({ page }, testInfo) => {
  await dropExports(page);
  const table = page.getByRole('table', { name: 'Risky users by priority' });
  const firstRow = table.getByRole('row').nth(1);
  await expect(firstRow).toContainText('P1');
  await expect(firstRow).toContainText('alex.wilber@contoso.com');
  await expect(firstRow).toContainText('AD (synced)');
  await expect(firstRow).toContainText('Global Administrator');
  // Closed users are hidden until asked for.
  await expect(table).not.toContainText('lee.gu@contoso.com');
  await expect(page.getByText('Notes on the data')).toBeVisible();
  await expect(page.getByText('"hidden" risk values mean')).toBeVisible();

  await firstRow.click();
  const detail = page.getByRole('article', { name: /Alex Wilber/ });
  await expect(detail.getByRole('heading', { level: 2 })).toBeFocused();
  await expect(detail.getByRole('region', { name: 'Detection timeline' }).getByRole('listitem')).toHaveCount(
    2,
  );
  await expect(detail).toContainText('Leaked credentials');
  await expect(detail).toContainText('203.0.113.7 · Dresden, Sachsen, DE');
  await expect(detail.getByRole('region', { name: 'Ticket text' })).toContainText(
    "Set-ADAccountPassword -Identity 'awilber' -Reset",
  );
  await detail.getByRole('radio', { name: 'Markdown' }).check();
  await expect(detail.getByRole('region', { name: 'Ticket text' })).toContainText(
    '## \\[P1\\] Risky user: Alex Wilber',
  );
  await page.screenshot({ path: testInfo.outputPath('risk-triage-detail.png'), fullPage: true });
  await screenshot(page, 'risk-triage-detail');

  // Filters: only closed users' priority, with closed ones shown.
  await page.getByRole('button', { name: /P4 · watch or closed/ }).click();
  await expect(table.getByRole('row')).toHaveCount(2);
  await expect(table).toContainText('lee.gu@contoso.com');
});

test('downloads tickets and every SIEM format, escaped', async ({ page }, testInfo) => {
  await dropExports(page);
  await page.getByRole('tab', { name: 'Tickets & SIEM' }).click();
  const got: Record<string, string> = {};
  for (const name of [
    'risk-tickets.txt',
    'risk-tickets.md',
    'risk-detections.cef',
    'risk-detections.ecs.ndjson',
    'risk-detections.sentinel.json',
    'risk-detections.hec.json',
  ]) {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: name, exact: true }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(name);
    got[name] = await readFile((await download.path())!, 'utf8');
  }
  expect(got['risk-tickets.txt']!.match(/^\[P\d\] Risky user: /gm)).toHaveLength(5);
  expect(got['risk-tickets.md']).toContain('```powershell');
  const cef = got['risk-detections.cef']!.trimEnd().split('\n');
  expect(cef).toHaveLength(7);
  expect(cef.every((l) => l.startsWith('CEF:0|Hybrid Toolbox|Risk triage|'))).toBe(true);
  expect(cef.find((l) => l.includes('externalId=d7'))).toContain(
    'requestClientApplication=curl/8.0 | x\\=y\\\\\\\\z',
  );
  const ecs = got['risk-detections.ecs.ndjson']!.trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(ecs).toHaveLength(7);
  expect(ecs.find((e) => e.event.id === 'd7').user.full_name).toBe(
    'Diego "D|S" Sicil\\iani=CEO\nsecond line',
  );
  const sentinel = JSON.parse(got['risk-detections.sentinel.json']!);
  expect(sentinel).toHaveLength(7);
  expect(Object.keys(sentinel[0]).slice(0, 3)).toEqual(['TimeGenerated', 'Activity', 'ActivityDateTime']);
  const hec = got['risk-detections.hec.json']!.trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(hec.every((e) => typeof e.time === 'number' && e.sourcetype === '_json')).toBe(true);

  await page.getByRole('button', { name: 'Sentinel (AADUserRiskEvents)', exact: true }).click();
  await expect(page.getByRole('region', { name: 'Sentinel (AADUserRiskEvents) output' })).toContainText(
    '"OperationName": "User Risk Detection"',
  );
  await page.screenshot({ path: testInfo.outputPath('risk-triage-export.png'), fullPage: true });
  await screenshot(page, 'risk-triage-export');
});

test('rules can be changed and the queue follows; keyboard reaches the rows', async ({ page }) => {
  await dropExports(page);
  await page.getByRole('tab', { name: 'Rules' }).click();
  // Megan scores at least 47 whatever today's date (recency adds 0–15), so P1 from 40 always includes her.
  await page.getByRole('spinbutton', { name: 'P1' }).fill('40');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('tab', { name: 'Queue' }).click();
  const table = page.getByRole('table', { name: 'Risky users by priority' });
  await expect(table.getByRole('row').filter({ hasText: 'megan.bowen@contoso.com' })).toContainText('P1');
  await screenshot(page, 'risk-triage-queue');

  // Keyboard: focus a row and open it with Enter.
  const row = table.getByRole('row').filter({ hasText: 'megan.bowen@contoso.com' });
  await row.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('article', { name: /Megan Bowen/ })).toBeVisible();
});

test('a broken file is named and the rest still triaged', async ({ page }) => {
  await page.goto('./#/risk-triage');
  await page.locator('input[type=file][aria-label="Drop riskyUsers and riskDetections JSON"]').setInputFiles([
    {
      name: 'broken.json',
      mimeType: 'application/json',
      buffer: Buffer.from('{ "value": [ { "id": "x", } ] }'),
    },
    { name: 'graph-risky-users.json', mimeType: 'application/json', buffer: await readFile(files[0]!) },
  ]);
  await expect(page.getByRole('table', { name: 'Risky users by priority' })).toContainText(
    'alex.wilber@contoso.com',
  );
  await expect(page.getByRole('region', { name: 'Notes on the data' })).toContainText('broken.json');
  await expect(page.getByRole('region', { name: 'Notes on the data' })).toContainText('not valid JSON');
});

test('reads well in the dark theme and on a narrow window', async ({ page }) => {
  await page.setViewportSize({ width: 820, height: 900 });
  await dropExports(page);
  const toggle = page.getByRole('button', { name: /^Theme:/ });
  await toggle.click();
  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByRole('table', { name: 'Risky users by priority' }).getByRole('row').nth(1).click();
  await expect(page.getByRole('article', { name: /Alex Wilber/ })).toBeVisible();
  await screenshot(page, 'risk-triage-dark-narrow');
});

test('hostile files beside good ones: the queue is intact and each bad file says why', async ({ page }) => {
  await page.goto('./#/risk-triage');
  const png = Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 1,
  ]);
  const forged = JSON.stringify([
    {
      id: 'x1',
      userPrincipalName: 'forged@evil.example',
      riskLevel: 'high',
      riskState: 'atRisk',
      riskLastUpdatedDateTime: '/Date(99999999999999999)/',
    },
  ]);
  await page.locator('input[type=file][aria-label="Drop riskyUsers and riskDetections JSON"]').setInputFiles([
    ...(await Promise.all(
      files.map(async (f) => ({
        name: f.split('/').pop()!,
        mimeType: 'application/json',
        buffer: await readFile(f),
      })),
    )),
    { name: 'deep.json', mimeType: 'application/json', buffer: Buffer.from('['.repeat(100_000)) },
    { name: 'screenshot.json', mimeType: 'application/json', buffer: png },
    { name: 'forged.json', mimeType: 'application/json', buffer: Buffer.from(forged) },
  ]);
  const table = page.getByRole('table', { name: 'Risky users by priority' });
  await expect(table.getByRole('row').nth(1)).toContainText('alex.wilber@contoso.com');
  await expect(table.getByRole('row').nth(1)).toContainText('P1');
  await expect(table).not.toContainText('forged@evil.example');

  const inUse = page.getByRole('list', { name: 'Files in use' });
  await expect(inUse.getByRole('listitem').filter({ hasText: 'graph-risky-users.json' })).toContainText(
    '5 risky users',
  );
  await expect(inUse.getByRole('listitem').filter({ hasText: 'deep.json' })).toContainText('not used');
  await expect(inUse.getByRole('listitem').filter({ hasText: 'screenshot.json' })).toContainText('not used');
  const reasons = page.getByRole('list', { name: 'Files not used' });
  await expect(reasons).toContainText('deep.json: This JSON nests more than 100 levels deep');
  await expect(reasons).toContainText('screenshot.json: screenshot.json is a PNG image');
  await expect(page.getByRole('region', { name: 'Notes on the data' })).toContainText(
    '1 object(s) skipped because a value cannot be held',
  );
  await screenshot(page, 'risk-triage-hostile');

  // The good files go; what is left is unusable. The old queue must go with them, not linger under the error.
  for (const f of files) await page.getByRole('button', { name: `Remove ${f.split('/').pop()}` }).click();
  await expect(page.getByText('Nothing to triage')).toBeVisible();
  await expect(page.getByText('No risky users or risk detections were found in the files.')).toBeVisible();
  await expect(table).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Summary' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /P1 · act now/ })).toHaveCount(0);
});

test('"open" means one thing: a dismissed user with newer detections is not in the open queue, the cards, or a ticket', async ({
  page,
}, testInfo) => {
  await page.goto('./#/risk-triage');
  // Dismissed by an admin, yet its detection export still says atRisk (and the detections are newer).
  const dismissed = JSON.stringify({
    value: [
      {
        id: 'd0d0d0d0-0000-4000-8000-000000000001',
        userPrincipalName: 'dana@contoso.com',
        userDisplayName: 'Dana Dismissed',
        riskLevel: 'high',
        riskState: 'dismissed',
        riskDetail: 'adminDismissedAllRiskForUser',
        riskLastUpdatedDateTime: '2026-11-01T00:00:00Z',
      },
      ...['leakedCredentials', 'passwordSpray', 'maliciousIPAddress'].map((kind, i) => ({
        id: `dd${i}`,
        userId: 'd0d0d0d0-0000-4000-8000-000000000001',
        userPrincipalName: 'dana@contoso.com',
        riskEventType: kind,
        riskLevel: 'high',
        riskState: 'atRisk',
        detectedDateTime: `2026-11-2${i}T10:00:00Z`,
      })),
    ],
  });
  await page.locator('input[type=file][aria-label="Drop riskyUsers and riskDetections JSON"]').setInputFiles([
    ...(await Promise.all(
      files.map(async (f) => ({
        name: f.split('/').pop()!,
        mimeType: 'application/json',
        buffer: await readFile(f),
      })),
    )),
    { name: 'dismissed.json', mimeType: 'application/json', buffer: Buffer.from(dismissed) },
  ]);
  const table = page.getByRole('table', { name: 'Risky users by priority' });
  await expect(table).toBeVisible();
  await expect(page.getByLabel('Open only')).toBeChecked();
  await expect(table).not.toContainText('dana@contoso.com');
  // The P1 card and the P1 rows agree: Alex only.
  await expect(page.locator('.stats li').filter({ hasText: 'P1 · act now' }).locator('.value')).toHaveText(
    '1',
  );
  await expect(table.getByRole('row').filter({ hasText: /^\s*P1/ })).toHaveCount(1);
  // Open detections: the fixtures' six; Dana's three are closed with her.
  await expect(page.locator('.stats li').filter({ hasText: 'Open detections' }).locator('.value')).toHaveText(
    '6',
  );

  // Every row says why it has its priority, from the rules that fired.
  const alex = table.getByRole('row').filter({ hasText: 'alex.wilber@contoso.com' });
  await expect(alex).toContainText('high risk · Leaked credentials · Global Administrator');

  await page.getByLabel('Open only').uncheck();
  const dana = table.getByRole('row').filter({ hasText: 'dana@contoso.com' });
  await expect(dana).toContainText('P4');
  await expect(dana).toContainText('not open: dismissed');
  await dana.click();
  const detail = page.getByRole('article', { name: /Dana Dismissed/ });
  await expect(detail).toContainText('admin dismissed all risk for the user');
  await expect(detail.getByRole('region', { name: 'Ticket text' })).toContainText('(score');
  await expect(detail.getByRole('region', { name: 'Ticket text' })).toContainText(', not open)');
  await page.screenshot({ path: testInfo.outputPath('risk-triage-open.png'), fullPage: true });
});

test("Graph's enum values read as words: unknownFutureValue is never shown raw", async ({ page }) => {
  await dropExports(page);
  await page
    .getByRole('table', { name: 'Risky users by priority' })
    .getByRole('row')
    .filter({ hasText: 'fiona@contoso.com' })
    .click();
  const detail = page.getByRole('article', { name: /Fiona/ });
  await expect(detail).toContainText('unknown (a value newer than this tool)');
  await expect(page.locator('main')).not.toContainText('unknownFutureValue');
  await expect(page.locator('main')).not.toContainText('atRisk');
});
