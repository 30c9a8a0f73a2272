import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { test, expect, screenshot } from './fixtures.ts';

const GUID = '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0f';
const ID = 'JC2LdB0sEUucPB2eXYo7Dw==';

test.beforeEach(async ({ context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(baseURL!).origin });
});

const clipboard = (page: Page) => page.evaluate(() => navigator.clipboard.readText());

async function saveScreens(page: Page, name: string, outputPath: (n: string) => string) {
  // The header is sticky: from the top, a full-page capture shows it where it belongs.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: outputPath(`${name}.png`), fullPage: true });
  await screenshot(page, `immutable-id-${name}`);
}

test('home lists the converter and opens it', async ({ page }, testInfo) => {
  await page.goto('./');
  const card = page.getByRole('list', { name: 'Tools' }).getByRole('link', { name: /ImmutableID converter/ });
  await expect(card).toBeVisible();
  await saveScreens(page, 'home', (n) => testInfo.outputPath(n));
  await card.click();
  await expect(page).toHaveURL(/#\/immutable-id$/);
  await expect(page.getByRole('textbox', { name: 'ID to convert' })).toBeFocused();
});

test('a pasted GUID shows every form, keeps it in the URL, and copies', async ({ page }, testInfo) => {
  await page.goto('./#/immutable-id');
  const input = page.getByRole('textbox', { name: 'ID to convert' });
  await expect(input).toBeFocused();
  await input.fill(`  ${GUID}\r\n`);

  await expect(page.getByText('Read as GUID')).toBeVisible();
  const card = page.getByRole('article', { name: 'GUID (D format)' });
  await expect(card.getByText(ID, { exact: true })).toBeVisible();
  await expect(card.getByText('242d8b741d2c114b9c3c1d9e5d8a3b0f', { exact: true })).toBeVisible();
  await expect(
    card.getByText('(objectGUID=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F)', {
      exact: true,
    }),
  ).toBeVisible();
  await expect(
    card.getByText('CN={4A43324C64423073455575635042326558596F3744773D3D}', { exact: true }),
  ).toBeVisible();
  await expect(
    card.getByText('S-1-12-1-1955278116-1259416605-2652716188-255560285', { exact: true }),
  ).toBeVisible();
  await expect(card.getByText('242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f').first()).toBeVisible();
  await expect(card.getByText(`Get-ADUser -Identity ${GUID}`)).toBeVisible();
  await expect(card.getByText(`Get-MgUser -Filter "onPremisesImmutableId eq '${ID}'"`)).toBeVisible();
  await expect(
    card.getByText(
      "https://graph.microsoft.com/v1.0/users?$filter=onPremisesImmutableId%20eq%20'JC2LdB0sEUucPB2eXYo7Dw%3D%3D'",
    ),
  ).toBeVisible();
  expect(new URLSearchParams(page.url().split('?')[1]).get('id')).toBe(GUID);
  // A textarea's value normalises CR LF to LF.
  await expect(input).toHaveValue(`  ${GUID}\n`);

  await card.getByRole('button', { name: 'Copy ImmutableID', exact: true }).click();
  await expect(card.getByRole('button', { name: 'Copy ImmutableID', exact: true })).toHaveText('✓ Copied');
  expect(await clipboard(page)).toBe(ID);
  await card.getByRole('button', { name: 'Copy GUID → ImmutableID', exact: true }).click();
  expect(await clipboard(page)).toBe(`[Convert]::ToBase64String(([guid]'${GUID}').ToByteArray())`);
  await saveScreens(page, 'single', (n) => testInfo.outputPath(n));
  await page.emulateMedia({ colorScheme: 'dark' });
  await saveScreens(page, 'single-dark', (n) => testInfo.outputPath(n));
});

test('the ID in the URL is read on load', async ({ page }) => {
  await page.goto(`./#/immutable-id?id=${encodeURIComponent('L+Kifssxl0yJ6xtFAar+QA==')}`);
  await expect(page.getByRole('textbox', { name: 'ID to convert' })).toHaveValue('L+Kifssxl0yJ6xtFAar+QA==');
  await expect(
    page.getByRole('article').getByText('7ea2e22f-31cb-4c97-89eb-1b4501aafe40', { exact: true }),
  ).toBeVisible();
});

test('32 hex digits show both readings; anchors and mistakes are explained', async ({ page }, testInfo) => {
  await page.goto('./#/immutable-id');
  const input = page.getByRole('textbox', { name: 'ID to convert' });
  await input.fill('748b2d242c1d4b119c3c1d9e5d8a3b0f');
  await expect(
    page.getByRole('article', { name: 'GUID (N format)' }).getByText(GUID, { exact: true }),
  ).toBeVisible();
  await expect(
    page
      .getByRole('article', { name: 'AD octet string' })
      .getByText('242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f', { exact: true }),
  ).toBeVisible();
  await expect(page.getByText(/both are shown/)).toBeVisible();
  await saveScreens(page, 'ambiguous', (n) => testInfo.outputPath(n));

  await input.fill('SABlAGwAbABvACAAdwBvAHIAbABkACEA');
  await expect(page.getByRole('article', { name: 'Text anchor' }).getByText('Hello world!')).toBeVisible();
  await saveScreens(page, 'text-anchor', (n) => testInfo.outputPath(n));

  await input.fill(`User_${GUID}`);
  await expect(page.getByText('An Entra object id, not an AD objectGUID')).toBeVisible();
  await expect(page.getByText(`Get-MgUser -UserId ${GUID}`)).toBeVisible();
  await saveScreens(page, 'cloud-anchor', (n) => testInfo.outputPath(n));

  await input.fill('748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0');
  await expect(
    page.getByText('31 hex digits; a GUID has 32, grouped 8-4-4-4-12 (this one 8-4-4-4-11)'),
  ).toBeVisible();
  await input.fill('24 2D 8B 74 1D 2C 11 4B 9C 3C 1D 9E 5D 8A 3B');
  await expect(page.getByText('15 octets; a GUID is 16 bytes')).toBeVisible();
  await saveScreens(page, 'error', (n) => testInfo.outputPath(n));
});

test('keyboard only: Tab to the input, type, Tab to a copy button, Enter', async ({ page }) => {
  await page.goto('./#/immutable-id');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
  for (let i = 0; i < 30 && (await focusedId()) !== 'id-input'; i++) await page.keyboard.press('Tab');
  expect(await focusedId()).toBe('id-input');
  await page.keyboard.type(ID);
  const focusedName = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
  for (let i = 0; i < 30 && (await focusedName()) !== 'Copy GUID'; i++) await page.keyboard.press('Tab');
  expect(await focusedName()).toBe('Copy GUID');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Copy GUID', exact: true }).first()).toHaveText('✓ Copied');
  expect(await clipboard(page)).toBe(GUID);
});

/** Windows PowerShell 5.1 on de-DE: `Get-ADUser … | Export-Csv -Delimiter ';'` writes `#TYPE`, quotes every field. */
const AD_CSV = [
  '#TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser',
  '"DistinguishedName";"Enabled";"SamAccountName";"ObjectGUID";"SID"',
  `"CN=Jane Doe,OU=Staff,DC=contoso,DC=com";"True";"jdoe";"${GUID}";"S-1-5-21-1004336348-1177238915-682003330-1104"`,
  '"CN=Max Mustermann,OU=Staff,DC=contoso,DC=com";"True";"mmustermann";"7ea2e22f-31cb-4c97-89eb-1b4501aafe40";"S-1-5-21-1004336348-1177238915-682003330-1105"',
  '"CN=Broken Copy,OU=Staff,DC=contoso,DC=com";"False";"broken";"748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0";"S-1-5-21-1004336348-1177238915-682003330-1106"',
].join('\r\n');

test('bulk: drop a CSV, pick the column, read the table, download every form', async ({ page }, testInfo) => {
  await page.goto('./#/immutable-id');
  const bulk = page.getByRole('region', { name: 'Bulk' });
  // Excel and PowerShell 5.1 save UTF-16LE with a BOM as often as not.
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(AD_CSV + '\r\n', 'utf16le')]);
  await bulk
    .locator('input[type=file]')
    .first()
    .setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: bytes });

  await expect(bulk.getByLabel('Column')).toHaveValue('3');
  await expect(bulk.getByLabel('Column').locator('option:checked')).toHaveText('ObjectGUID');
  const table = bulk.getByRole('table', { name: 'Converted IDs' });
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByText(ID, { exact: true })).toBeVisible();
  await expect(table.getByText('L+Kifssxl0yJ6xtFAar+QA==', { exact: true })).toBeVisible();
  await expect(
    table.getByText('31 hex digits; a GUID has 32, grouped 8-4-4-4-12 (this one 8-4-4-4-11)'),
  ).toBeVisible();
  await expect(bulk.getByText('users.csv, column “ObjectGUID”')).toBeVisible();
  await saveScreens(page, 'bulk', (n) => testInfo.outputPath(n));

  const download = page.waitForEvent('download');
  await bulk.getByRole('button', { name: /Download every form/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('immutable-ids.csv');
  const csv = (await readFile(await file.path())).toString('utf8');
  const lines = csv.replace(/^\ufeff/, '').split('\r\n');
  expect(lines[0]).toBe(
    'input,kind,as,guid,immutableId,hex,ldapFilter,connectorSpaceDn,bigEndianGuid,text,error,cloudSid,note',
  );
  expect(lines[1]).toBe(
    `${GUID},guid,GUID (D format),${GUID},${ID},242d8b741d2c114b9c3c1d9e5d8a3b0f,` +
      '(objectGUID=\\24\\2D\\8B\\74\\1D\\2C\\11\\4B\\9C\\3C\\1D\\9E\\5D\\8A\\3B\\0F),' +
      'CN={4A43324C64423073455575635042326558596F3744773D3D},242d8b74-1d2c-114b-9c3c-1d9e5d8a3b0f,,,' +
      'S-1-12-1-1955278116-1259416605-2652716188-255560285,',
  );
  expect(lines[2]).toBe(
    '7ea2e22f-31cb-4c97-89eb-1b4501aafe40,guid,GUID (D format),7ea2e22f-31cb-4c97-89eb-1b4501aafe40,' +
      'L+Kifssxl0yJ6xtFAar+QA==,2fe2a27ecb31974c89eb1b4501aafe40,' +
      '(objectGUID=\\2F\\E2\\A2\\7E\\CB\\31\\97\\4C\\89\\EB\\1B\\45\\01\\AA\\FE\\40),' +
      'CN={4C2B4B69667373786C30794A367874464161722B51413D3D},2fe2a27e-cb31-974c-89eb-1b4501aafe40,,,' +
      'S-1-12-1-2124603951-1284977099-1159457673-1090431489,',
  );
  expect(lines[3]).toBe(
    '748b2d24-2c1d-4b11-9c3c-1d9e5d8a3b0,invalid,,,,,,,,,"31 hex digits; a GUID has 32, grouped 8-4-4-4-12 (this one 8-4-4-4-11)",,',
  );
  expect(lines[4]).toBe('');

  await bulk.getByLabel('Column').selectOption({ label: 'SID' });
  await expect(table.getByText(/a Windows SID, not a cloud SID/).first()).toBeVisible();
});

test('bulk: twelve thousand pasted lines convert without blocking the page', async ({ page }) => {
  await page.goto('./#/immutable-id');
  const bulk = page.getByRole('region', { name: 'Bulk' });
  const lines = Array.from(
    { length: 12_000 },
    (_, i) => `${i.toString(16).padStart(8, '0')}-2c1d-4b11-9c3c-1d9e5d8a3b0f`,
  );
  await page.evaluate((t) => navigator.clipboard.writeText(t), lines.join('\r\n'));
  await bulk.getByLabel('Values, one per line').focus();
  await page.keyboard.press('Control+V');
  await expect(bulk.getByLabel('Values, one per line')).toHaveValue(
    /^00000000-2c1d-4b11-9c3c-1d9e5d8a3b0f\r?\n/,
  );
  await expect(bulk.getByText('12,000 pasted values')).toBeVisible();
  await expect(bulk.getByText(/^12,000 rows$/)).toBeVisible();
  // The single-value box still answers while the table is there.
  await page.getByRole('textbox', { name: 'ID to convert' }).fill(GUID);
  await expect(page.getByRole('article', { name: 'GUID (D format)' })).toBeVisible();
});

test('bulk: two hundred thousand pasted lines keep the page ticking and count right', async ({
  page,
}, testInfo) => {
  await page.goto('./#/immutable-id');
  const bulk = page.getByRole('region', { name: 'Bulk' });
  // 199,990 GUIDs and ten bare 32-hex values, which read both ways: two table rows each.
  await page.evaluate(async () => {
    const lines: string[] = [];
    for (let i = 0; i < 199_990; i++)
      lines.push(`${i.toString(16).padStart(8, '0')}-2c1d-4b11-9c3c-1d9e5d8a3b0f`);
    for (let i = 0; i < 10; i++) lines.push(`${i.toString(16).padStart(8, '0')}2c1d4b119c3c1d9e5d8a3b0f`);
    await navigator.clipboard.writeText(lines.join('\r\n'));
  });
  await bulk.getByLabel('Values, one per line').focus();
  // A page timer that notes each tick that finds the conversion half done: work done in one task, or in
  // continuations that go before every timer, never lets a timer see a value between the first and the last.
  // (Not a count of ticks: how many fit in the run depends on how fast the machine is.)
  await page.evaluate(() => {
    const w = window as unknown as { during: number; tick: ReturnType<typeof setInterval> };
    w.during = 0;
    w.tick = setInterval(() => {
      const bar = document.querySelector('progress');
      if (bar?.getAttribute('aria-label')?.startsWith('Converting') && bar.value > 0 && bar.value < bar.max)
        w.during++;
    }, 1);
  });
  await page.keyboard.press('Control+V');
  await expect(bulk.getByText('200,000 pasted values')).toBeVisible({ timeout: 60_000 });
  await expect(bulk.getByText(/^200,010 rows$/)).toBeVisible({ timeout: 60_000 });
  await expect(bulk.getByText('10 bare hex: both readings')).toBeVisible();
  await expect(
    bulk.getByRole('table', { name: 'Converted IDs' }).getByText('AAAAAB0sEUucPB2eXYo7Dw==', { exact: true }),
  ).toBeVisible();
  const during = await page.evaluate(() => {
    const w = window as unknown as { during: number; tick: ReturnType<typeof setInterval> };
    clearInterval(w.tick);
    return w.during;
  });
  await expect(bulk.getByText('Only the first 200 lines are shown here; all are converted.')).toBeVisible();
  expect(during, 'timer ticks that saw the conversion part done').toBeGreaterThan(0);
  await saveScreens(page, 'bulk-long-paste', (n) => testInfo.outputPath(n));
});

test('bulk: free text is not an ID; an empty CSV or a PNG after it replaces the table with the reason', async ({
  page,
}, testInfo) => {
  await page.goto('./#/immutable-id');
  const bulk = page.getByRole('region', { name: 'Bulk' });
  const drop = (name: string, buffer: Buffer) =>
    bulk.locator('input[type=file]').first().setInputFiles({ name, mimeType: 'text/csv', buffer });
  const table = bulk.getByRole('table', { name: 'Converted IDs' });
  const stat = (label: string) =>
    bulk.locator('.stats li').filter({ has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });

  await drop('notes.csv', Buffer.from(`Comment\r\nhello world\r\n${GUID}\r\nE012345\r\n`));
  await expect(table.getByRole('row')).toHaveCount(4);
  await expect(table.getByText(/^free text with spaces, not an ID\./)).toBeVisible();
  await expect(stat('not an ID').locator('.value')).toHaveText('1');
  await expect(table.getByRole('row').nth(1)).toContainText('Not an ID');
  await expect(stat('read as GUIDs').locator('.value')).toHaveText('1');
  await expect(stat('text or string anchors').locator('.value')).toHaveText('1');
  await saveScreens(page, 'bulk-free-text', (n) => testInfo.outputPath(n));

  await drop('empty.csv', Buffer.alloc(0));
  await expect(
    bulk.getByText('empty.csv is empty: expected a CSV or text file with one ID per line.'),
  ).toBeVisible();
  await expect(table).toHaveCount(0);
  await expect(stat('not an ID')).toHaveCount(0);

  const png = Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1,
    0, 8, 6, 0, 0, 0, 0x5c, 0x72, 0xa8, 0x66, 0, 0, 0, 10, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c,
  ]);
  await drop('ids.csv', png);
  await expect(
    bulk.getByText('ids.csv is a PNG image, not a CSV or text file with one ID per line.'),
  ).toBeVisible();
  await expect(bulk.getByText('empty.csv is empty')).toHaveCount(0);
  await expect(table).toHaveCount(0);
  await expect(stat('text or string anchors')).toHaveCount(0);
  await saveScreens(page, 'bulk-png', (n) => testInfo.outputPath(n));
});

test('bulk: searching 300,000 rows leaves the page its turn, and finds the one row', async ({ page }) => {
  await page.goto('./#/immutable-id');
  const bulk = page.getByRole('region', { name: 'Bulk' });
  const lines = Array.from(
    { length: 300_000 },
    (_, i) => `${i.toString(16).padStart(8, '0')}-2c1d-4b11-9c3c-1d9e5d8a3b0f`,
  );
  await bulk
    .locator('input[type=file]')
    .first()
    .setInputFiles({
      name: 'many.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from(['ObjectGUID', ...lines].join('\r\n')),
    });
  await expect(bulk.getByText(/^300,000 rows$/)).toBeVisible({ timeout: 90_000 });

  // A page timer that notes each tick while the search is still running: a search done in one task gives none.
  await page.evaluate(() => {
    const w = window as unknown as { during: number; tick: ReturnType<typeof setInterval> };
    w.during = 0;
    w.tick = setInterval(() => {
      if (document.querySelector('.searching')) w.during++;
    }, 10);
  });
  await bulk.getByRole('searchbox', { name: 'Search Converted IDs' }).fill('000493df');
  await expect(bulk.getByText(/^1 of 300,000 rows$/)).toBeVisible({ timeout: 60_000 });
  const table = bulk.getByRole('table', { name: 'Converted IDs' });
  await expect(
    table.getByText('000493df-2c1d-4b11-9c3c-1d9e5d8a3b0f', { exact: true }).first(),
  ).toBeVisible();
  const during = await page.evaluate(() => {
    const w = window as unknown as { during: number; tick: ReturnType<typeof setInterval> };
    clearInterval(w.tick);
    return w.during;
  });
  expect(during, 'timer ticks while the search ran').toBeGreaterThan(2);

  // Cleared, every row is back at once.
  await bulk.getByRole('searchbox', { name: 'Search Converted IDs' }).fill('');
  await expect(bulk.getByText(/^300,000 rows$/)).toBeVisible();
});
