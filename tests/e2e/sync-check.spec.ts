import { readFile, writeFile } from 'node:fs/promises';
import { test, expect, screenshot } from './fixtures.ts';
import { generate } from '../../src/tools/sync-check/generate.ts';

test('drop AD and Entra exports, read the summary, open a conflict, download the unified CSV', async ({
  page,
}, testInfo) => {
  const g = generate({ withAfter: true, seed: 21, adStyle: 'de-DE', entraStyle: 'mg' });
  const paths: Record<string, string> = {};
  for (const f of [g.ad, ...g.entra, g.adAfter!]) {
    paths[f.name] = testInfo.outputPath(f.name);
    await writeFile(paths[f.name]!, f.bytes);
  }
  await page.goto('./#/sync-check');
  await expect(page.getByRole('heading', { level: 1, name: 'AD ⇄ Entra sync check' })).toBeVisible();
  await expect(page.getByText('Get-ADUser -Filter * -Properties').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /Copy Active Directory users/ })).toBeVisible();
  await screenshot(page, 'sync-check-start');

  await page.locator('[data-side="ad"] input[type=file]').first().setInputFiles(paths[g.ad.name]!);
  await page.locator('[data-side="entra"] input[type=file]').first().setInputFiles(paths[g.entra[0]!.name]!);
  await page.locator('[data-side="adAfter"] input[type=file]').first().setInputFiles(paths[g.adAfter!.name]!);
  await page.getByLabel(/In-scope OUs/).fill(g.scope.join('\n'));
  await page.getByRole('button', { name: 'Compare' }).click();

  const summary = page.getByRole('region', { name: 'Summary' });
  await expect(summary).toBeVisible();
  const card = (label: string) => summary.locator('li', { hasText: label }).locator('.value');
  await expect(card('Matched')).toHaveText(String(g.expected.matchedPairs.length));
  await expect(card('AD only: not in Entra')).toHaveText(String(g.expected.sets.adNotInEntra.length));
  await expect(card('Entra only: orphaned')).toHaveText(String(g.expected.sets.entraOrphanedSynced.length));
  await expect(page.getByText('Last sync seen in Entra:')).toContainText(
    g.expected.lastSyncTime.slice(0, 10),
  );
  await screenshot(page, 'sync-check-summary');

  await page.getByRole('tab', { name: /Conflicts/ }).click();
  const upnProxy = page.locator('details[data-kind="upnVsOtherUsersProxy"]');
  await expect(upnProxy).toContainText('boss@contoso.com');
  await expect(page.locator('details[data-kind="duplicateUpn"]')).toContainText('quarantined UPN');
  await upnProxy.getByRole('button').first().click();
  const detail = page
    .getByRole('region', { name: /./ })
    .filter({ has: page.getByRole('heading', { name: 'Active Directory' }) });
  await expect(page.getByRole('heading', { name: 'Active Directory', level: 4 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Entra ID', level: 4 })).toBeVisible();
  await expect(page.getByText('ImmutableID (base64)')).toBeVisible();
  void detail;
  await screenshot(page, 'sync-check-conflict-detail');

  await page.getByRole('tab', { name: /Deletion preview/ }).click();
  await expect(page.getByRole('status').filter({ hasText: 'The next export deletes 4 users' })).toBeVisible();
  await screenshot(page, 'sync-check-deletions');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: /Unified CSV/ }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('sync-check-unified.csv');
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv
    .replace(/^\ufeff/, '')
    .trim()
    .split('\r\n');
  expect(lines[0]).toMatch(/^Status,AD ObjectGUID,AD SamAccountName/);
  const entraOnly = g.expected.sets.entraNotInAd.length;
  expect(lines.length - 1).toBe(g.counts.ad + entraOnly);

  await page.getByRole('tab', { name: /AD only/ }).click();
  await page.getByPlaceholder('Search all columns…').fill(g.expected.sets.adNotInEntra[0]!.adGuid!);
  await expect(page.getByText('1 of')).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('sync-check-table.png'), fullPage: true });
  await screenshot(page, 'sync-check-table');
});

test('an export without anchors is explained, not listed', async ({ page }, testInfo) => {
  const ad = ['"DistinguishedName","ObjectGUID","SamAccountName","UserPrincipalName"'];
  const entra = ['"Id","DisplayName","UserPrincipalName","OnPremisesImmutableId","ProxyAddresses"'];
  for (let k = 0; k < 6; k++) {
    ad.push(
      `"CN=U${k},OU=Users,DC=contoso,DC=com","0000000${k}-0000-0000-0000-000000000000","u${k}","u${k}@contoso.com"`,
    );
    entra.push(`"c000000${k}-0000-0000-0000-000000000000","U${k}","u${k}@contoso.com","","System.String[]"`);
  }
  const adPath = testInfo.outputPath('ad.csv');
  const entraPath = testInfo.outputPath('mg.csv');
  await writeFile(adPath, ad.join('\r\n'));
  await writeFile(entraPath, entra.join('\r\n'));
  await page.goto('./#/sync-check');
  await page.locator('[data-side="ad"] input[type=file]').first().setInputFiles(adPath);
  await page.locator('[data-side="entra"] input[type=file]').first().setInputFiles(entraPath);
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(
    page
      .getByRole('alert')
      .filter({ hasText: 'no ImmutableID' })
      .or(page.getByRole('alert').filter({ hasText: 'No Entra user has an ImmutableID' })),
  ).toBeVisible();
  await expect(page.getByRole('tab', { name: /Files & columns/ })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByText(/OnPremisesImmutableId" is empty in every row/)).toBeVisible();
  await screenshot(page, 'sync-check-diagnosis');
});

test('a large pair: the tab keeps ticking while the worker compares, and tables page through the worker', async ({
  page,
}, testInfo) => {
  test.setTimeout(300_000);
  const g = generate({ users: 100_000, seed: 18, adStyle: 'de-DE', entraStyle: 'mg' });
  const adPath = testInfo.outputPath(g.ad.name);
  const entraPath = testInfo.outputPath(g.entra[0]!.name);
  await writeFile(adPath, g.ad.bytes);
  await writeFile(entraPath, g.entra[0]!.bytes);
  await page.goto('./#/sync-check');
  await page.locator('[data-side="ad"] input[type=file]').first().setInputFiles(adPath);
  await page.locator('[data-side="entra"] input[type=file]').first().setInputFiles(entraPath);
  await page.getByLabel(/In-scope OUs/).fill(g.scope.join('\n'));
  // A timer on the page's main thread: while the worker compares, it must keep firing.
  await page.evaluate(() => {
    const w = window as unknown as { ticks: number[] };
    w.ticks = [];
    setInterval(() => w.ticks.push(performance.now()), 20);
  });
  const started = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Compare' }).click();
  // Progress names the stage and the side being read.
  await expect(page.getByRole('status').filter({ hasText: /Reading (AD|Entra)|Matching/ })).toBeVisible();
  await screenshot(page, 'sync-check-progress');
  const summary = page.getByRole('region', { name: 'Summary' });
  const card = (label: string) => summary.locator('li', { hasText: label }).locator('.value');
  await expect(card('Matched')).toHaveText(g.expected.matchedPairs.length.toLocaleString('en-US'), {
    timeout: 240_000,
  });
  const ended = await page.evaluate(() => performance.now());
  const ticks = (await page.evaluate(() => (window as unknown as { ticks: number[] }).ticks)).filter(
    (t) => t >= started && t <= ended,
  );
  let longest = 0;
  for (let k = 1; k < ticks.length; k++) longest = Math.max(longest, ticks[k]! - ticks[k - 1]!);
  longest = Math.max(longest, ticks[0]! - started, ended - ticks[ticks.length - 1]!);
  // The old page rebuilt the whole result on its main thread and stood still for seconds at this size.
  expect(ticks.length, 'timer ticks during the run').toBeGreaterThan((ended - started) / 20 / 4);
  expect(longest, 'longest pause of the page timer, ms').toBeLessThan(1000);

  await page.getByRole('tab', { name: /^Matched/ }).click();
  const matched = g.expected.matchedPairs.length;
  await expect(page.getByText(`${matched.toLocaleString('en-US')} rows`)).toBeVisible();
  const scroller = page.getByRole('region', { name: 'Matched, scrollable' });
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(scroller.locator(`tr[aria-rowindex="${matched + 1}"]`)).toBeVisible();
  await page.getByRole('button', { name: 'sAMAccountName' }).click();
  await scroller.evaluate((el) => (el.scrollTop = 0));
  await expect(scroller.locator('tr[aria-rowindex="2"]')).toBeVisible();
  await scroller.locator('tr[aria-rowindex="2"]').click();
  await expect(page.getByRole('heading', { name: 'Active Directory', level: 4 })).toBeVisible();
  await screenshot(page, 'sync-check-large-detail');

  // Cancel ends the comparison's worker itself, not only the wait for it.
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByRole('button', { name: 'Cancel' })).toBeVisible();
  const running = page.workers().filter((w) => /worker/i.test(w.url()));
  expect(running.length).toBeGreaterThan(0);
  const closed = Promise.all(running.map((w) => new Promise((done) => w.once('close', done))));
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Cancelled.' })).toBeVisible();
  await closed;
  await expect(page.getByRole('region', { name: 'Summary' })).toHaveCount(0);
});

test('an unusable AD export stops with a banner at the top, and no comparison is shown', async ({
  page,
}, testInfo) => {
  const g = generate({ seed: 4, entraStyle: 'mg' });
  const entraPath = testInfo.outputPath(g.entra[0]!.name);
  await writeFile(entraPath, g.entra[0]!.bytes);
  // A PNG saved under a .csv name, and an empty file: both real mistakes when exporting in a hurry.
  const png = Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0,
    0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89,
  ]);
  const cases = [
    { name: 'users.csv', bytes: png },
    { name: 'empty.csv', bytes: Buffer.alloc(0) },
  ];
  await page.goto('./#/sync-check');
  await page.locator('[data-side="entra"] input[type=file]').first().setInputFiles(entraPath);
  for (const c of cases) {
    const path = testInfo.outputPath(c.name);
    await writeFile(path, c.bytes);
    await page.locator('[data-side="ad"] input[type=file]').first().setInputFiles(path);
    await page.getByRole('button', { name: 'Compare' }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'No comparison' });
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(c.name);
    // Above the inputs, not inside a result tab.
    const top = await banner.boundingBox();
    const inputs = await page.getByRole('heading', { name: 'Your exports' }).boundingBox();
    expect(top!.y).toBeLessThan(inputs!.y);
    await expect(page.getByRole('region', { name: 'Summary' })).toHaveCount(0);
    await expect(page.getByRole('tablist')).toHaveCount(0);
    await expect(page.getByRole('button', { name: /Unified CSV/ })).toHaveCount(0);
    await screenshot(page, `sync-check-unusable-${c.name.replace('.csv', '')}`);
    await page.getByRole('button', { name: `Remove ${c.name}` }).click();
  }
});

test('every row says why it is in its set; the scope is suggested; every tab and the deletion verdict are in view', async ({
  page,
}, testInfo) => {
  const g = generate({ withAfter: true, seed: 21, adStyle: 'ps7', entraStyle: 'mg' });
  const paths: string[] = [];
  for (const f of [g.ad, g.entra[0]!, g.adAfter!]) {
    paths.push(testInfo.outputPath(f.name));
    await writeFile(paths[paths.length - 1]!, f.bytes);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto('./#/sync-check');
  const sides = ['ad', 'entra', 'adAfter'];
  for (let k = 0; k < 3; k++)
    await page.locator(`[data-side="${sides[k]}"] input[type=file]`).first().setInputFiles(paths[k]!);
  // The chips of the three inputs start at one height.
  const tops = await Promise.all(
    sides.map(async (side) => (await page.locator(`[data-side="${side}"] .files`).boundingBox())!.y),
  );
  expect(Math.max(...tops) - Math.min(...tops), `chip tops ${tops.join(', ')}`).toBeLessThan(1);

  // No scope entered: the OU where nothing matched is suggested, and one click puts it in the scope box.
  await page.getByRole('button', { name: 'Compare' }).click();
  const hint = page.getByRole('note').filter({ hasText: 'where nothing matched' });
  await expect(hint).toContainText('OU=Contractors (no sync),OU=Corp,DC=contoso,DC=com');
  await expect(hint).toContainText('3 AD-only users are in an OU where nothing matched.');
  await screenshot(page, 'sync-check-scope-hint');
  await hint.getByRole('button', { name: /Exclude it from the scope and run the check again/ }).click();
  await expect(page.getByLabel(/In-scope OUs/)).toHaveValue(
    'DC=contoso,DC=com\n!OU=Contractors (no sync),OU=Corp,DC=contoso,DC=com',
  );
  await expect(page.getByRole('note').filter({ hasText: 'where nothing matched' })).toHaveCount(0);
  // The real scope: users moved to OU=Disabled now leave it.
  await page.getByLabel(/In-scope OUs/).fill(g.scope.join('\n'));
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByText('scope: 2 OU rules')).toBeVisible();

  // The deletion verdict is a card on the summary that opens the preview.
  const verdict = page.getByRole('button', { name: /The next sync would delete/ });
  await expect(verdict).toContainText('The next sync would delete 4 users — below the threshold of 500.');

  // All twelve tabs are inside the bar, on a wide screen and on a phone.
  const tabs = page.getByRole('tab');
  await expect(tabs).toHaveCount(12);
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    const bar = (await page.getByRole('tablist', { name: 'Results' }).boundingBox())!;
    for (const tab of await tabs.all()) {
      const box = (await tab.boundingBox())!;
      expect(box.x, `${await tab.textContent()} at ${width}px`).toBeGreaterThanOrEqual(bar.x - 0.5);
      expect(box.x + box.width, `${await tab.textContent()} at ${width}px`).toBeLessThanOrEqual(
        bar.x + bar.width + 0.5,
      );
    }
    await screenshot(page, `sync-check-tabs-${width}`);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  // Arrow keys reach the last tab.
  await page.getByRole('tab', { name: /^AD only/ }).focus();
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: /Files & columns/ })).toBeFocused();

  // The Reason column: each AD-only user's most likely reason.
  await page.getByRole('tab', { name: /^AD only/ }).click();
  const table = page.getByRole('region', { name: 'AD only, scrollable' });
  await expect(table).toContainText('Blocked by a conflict: duplicate mail shared@contoso.com, also on');
  await expect(table).toContainText(
    'Would soft-match cloud-only soft.match@contoso.com on UPN at the next sync',
  );
  await expect(table).toContainText('after the last sync seen in Entra');
  await expect(table).toContainText('Entra Connect rejects userPrincipalName "kämpfer@contoso.com"');
  await expect(table).toContainText('look for an export error for connector-space DN CN={');
  // A short table is as tall as its rows (the header and every row), with no empty box under them.
  const rows = Number(await table.getByRole('table').getAttribute('aria-rowcount')) - 1;
  expect(rows).toBeLessThan(10);
  expect((await table.boundingBox())!.height).toBeLessThanOrEqual(Math.max(3, rows) * 34 + 48 + 1);
  await screenshot(page, 'sync-check-reasons');

  await verdict.click();
  await expect(page.getByRole('tab', { name: /Deletion preview/ })).toHaveAttribute('aria-selected', 'true');
  const deletions = page.getByRole('region', { name: 'Expected deletions, scrollable' });
  await expect(deletions).toContainText('Moved out of scope to OU=Disabled,OU=Corp,DC=contoso,DC=com');
  await expect(deletions).toContainText('Removed from AD; still in Entra');
  await screenshot(page, 'sync-check-deletion-reasons');
});
