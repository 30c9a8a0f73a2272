import { test, expect } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/*
 * "Choose a folder" / "Add or replace files" where the browser has the File System Access API: the page gets
 * handles, lists them and opens the files itself, so no FileList is built. The folder is real (the origin-private
 * file system); only the pickers are replaced, since a test cannot click a native dialog.
 */
const FIXTURES = resolve('src/tools/dmarc/fixtures');
const text = (name: string) => readFileSync(resolve(FIXTURES, name), 'utf8');
const LAYOUT: Record<string, string> = {
  '2026/google.xml': text('google.xml'),
  '2026/microsoft.xml': text('microsoft.xml'),
  'yahoo.xml': text('yahoo.xml'),
  'gmx.xml': text('gmx.xml'),
};

const card = (page: Page, label: string) =>
  page.locator('.stats li').filter({ has: page.locator('.label', { hasText: new RegExp(`^${label}$`) }) });

/** Writes `files` under a folder `reports` of the origin-private file system and makes the pickers answer with it. */
async function preparePickers(page: Page, files: Record<string, string>, extra: Record<string, string>) {
  await page.evaluate(
    async ({ files, extra }) => {
      const root = await navigator.storage.getDirectory();
      await root.removeEntry('reports', { recursive: true }).catch(() => undefined);
      await root.removeEntry('loose', { recursive: true }).catch(() => undefined);
      const write = async (top: FileSystemDirectoryHandle, path: string, body: string) => {
        const parts = path.split('/');
        let dir = top;
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
        const w = await (await dir.getFileHandle(parts.at(-1)!, { create: true })).createWritable();
        await w.write(body);
        await w.close();
      };
      const reports = await root.getDirectoryHandle('reports', { create: true });
      for (const [path, body] of Object.entries(files)) await write(reports, path, body);
      const loose = await root.getDirectoryHandle('loose', { create: true });
      for (const [path, body] of Object.entries(extra)) await write(loose, path, body);
      const w = window as unknown as Record<string, unknown>;
      w.showDirectoryPicker = async () => reports;
      w.showOpenFilePicker = async () =>
        Promise.all(Object.keys(extra).map((name) => loose.getFileHandle(name)));
    },
    { files, extra },
  );
}

test('a folder chosen as a handle is read without a file list; a record opens its raw XML; files added later join it', async ({
  page,
}) => {
  await page.goto('./#/dmarc');
  await preparePickers(page, LAYOUT, { 'mimecast.xml': text('mimecast.xml') });
  // The page builds no FileList: the file input is never used on this path.
  await page.evaluate(() =>
    document.addEventListener(
      'change',
      () => ((window as unknown as { changed: boolean }).changed = true),
      true,
    ),
  );
  await page.getByRole('button', { name: 'Choose a folder' }).click();
  await expect(card(page, 'Reports').locator('.value')).toHaveText('4');
  await expect(page.getByText('4 file(s) so far')).toBeVisible();

  await page.getByRole('tab', { name: /^Files/ }).click();
  const files = page.getByRole('table', { name: 'Files' });
  await expect(files).toContainText('reports/2026/google.xml');
  await expect(files).toContainText('reports/yahoo.xml');

  await page.getByRole('tab', { name: /^Senders/ }).click();
  await page
    .getByRole('table', { name: 'Senders' })
    .getByRole('row')
    .filter({ hasText: 'Google' })
    .first()
    .click();
  await page
    .getByRole('table', { name: /^Records of / })
    .getByRole('row')
    .nth(1)
    .click();
  const raw = page.getByRole('region', { name: /^Raw XML of / });
  await expect(raw).toContainText('<feedback');

  // Files picked as handles join the folder: all five fixtures, with their hand-computed totals.
  await page.getByRole('button', { name: 'Add or replace files' }).click();
  await expect(page.getByText('5 file(s) so far')).toBeVisible();
  await page.getByRole('tab', { name: 'Overview' }).click();
  await expect(card(page, 'Reports').locator('.value')).toHaveText('5');
  await expect(card(page, 'Messages').locator('.value')).toHaveText('54');
  await expect(card(page, 'DMARC pass').locator('.value')).toHaveText('83.3 %');
  expect(await page.evaluate(() => (window as unknown as { changed?: boolean }).changed)).toBeUndefined();
});

test('without the File System Access API the buttons open the file input, as before', async ({ page }) => {
  await page.addInitScript(() => {
    for (const o of [window, Window.prototype] as unknown as Record<string, unknown>[]) {
      delete o.showDirectoryPicker;
      delete o.showOpenFilePicker;
    }
  });
  await page.goto('./#/dmarc');
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Choose files' }).click(),
  ]);
  await chooser.setFiles(Object.keys(LAYOUT).map((p) => resolve(FIXTURES, p.split('/').pop()!)));
  await expect(card(page, 'Reports').locator('.value')).toHaveText('4');
});

test('a drop of files made by a script (no file-system handles behind them) is read like any drop', async ({
  page,
}) => {
  await page.goto('./#/dmarc');
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const [name, body] of Object.entries(files)) dt.items.add(new File([body], name.split('/').pop()!));
    document
      .querySelector('.drop')!
      .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, LAYOUT);
  await expect(card(page, 'Reports').locator('.value')).toHaveText('4');
  await expect(page.getByText('4 file(s) so far')).toBeVisible();
});
