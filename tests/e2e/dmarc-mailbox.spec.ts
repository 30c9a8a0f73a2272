/**
 * DMARC's "Read from a mailbox" with the real MSAL and a faked Entra and Graph: Mail.Read is asked for only at the
 * click, the folder's mails are downloaded as MIME and read like dropped .eml files (aggregate, failure and TLS
 * reports found, ordinary mail skipped; 8-bit ISO-8859-1 headers intact), a 429 is waited out, and the next read
 * starts where this one ended.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { Page, Route } from '@playwright/test';
import { test, expect, screenshot } from './fixtures.ts';
import { CLIENT, TENANT, fakeEntra } from './fake-entra.ts';
import { latin1FailureReport } from '../support/latin1-failure-report.ts';

test.use({ allowedHosts: ['login.microsoftonline.com', 'graph.microsoft.com'] });

const FIX = resolve('../shared/fixtures');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core on the open mailbox form: rule ids and targets, empty when nothing is wrong. */
async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run: (
          ctx: Element,
          o: object,
        ) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
      };
    };
    const r = await w.axe.run(document.querySelector('details.mailbox')!, { resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
}

async function configure(page: Page) {
  await page.getByRole('button', { name: 'Graph settings' }).click();
  await page.getByLabel('Application (client) ID').fill(CLIENT);
  await page.getByLabel('Tenant (Directory ID or domain)').fill(TENANT);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

test('reads a mailbox folder through Graph with Mail.Read asked only then, and only new mail next time', async ({
  page,
  context,
  baseURL,
}) => {
  const origin = new URL(baseURL!).origin;
  const fake = await fakeEntra(context, origin);
  const mails = [
    {
      id: 'AAMk-agg=',
      at: '2026-11-28T06:00:00Z',
      mime: await readFile(
        resolve(
          FIX,
          'dmarc/real/parsedmarc/aggregate/Report domain- borschow.com Submitter- google.com Report-ID- 949348866075514174.eml',
        ),
      ),
    },
    {
      id: 'AAMk-ruf=',
      at: '2026-11-30T10:15:00Z',
      mime: await readFile(resolve(FIX, 'dmarc/real/forensic/parsedmarc/dmarc_ruf_report_linkedin.eml')),
    },
    {
      id: 'AAMk-tls=',
      at: '2026-12-01T07:30:00Z',
      mime: await readFile(resolve(FIX, 'mail-reports/parsedmarc/smtp_tls/google.com_smtp_tls_report.eml')),
    },
    {
      // A failure report whose original headers are 8-bit ISO-8859-1: bytes that are not UTF-8.
      id: 'AAMk-ruf8=',
      at: '2026-12-01T10:00:00Z',
      mime: latin1FailureReport(),
    },
    {
      id: 'AAMk-lunch=',
      at: '2026-12-02T09:00:00Z',
      mime: 'From: a@contoso.com\r\nSubject: Lunch\r\nContent-Type: text/plain\r\n\r\nNoon?\r\n',
    },
  ];
  const headers = {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Headers': 'authorization, content-type, prefer, accept, consistencylevel',
    'Access-Control-Expose-Headers': 'retry-after, request-id',
  };
  const filters: string[] = [];
  let throttled = false;
  // Registered after fakeEntra's, so these answer first for the mailbox paths.
  await context.route('https://graph.microsoft.com/v1.0/me/**', async (route: Route) => {
    const req = route.request();
    if (req.method() === 'OPTIONS') return route.fulfill({ status: 204, headers });
    const url = new URL(req.url());
    if (url.pathname === '/v1.0/me/mailFolders/inbox/messages') {
      const filter = url.searchParams.get('$filter') ?? '';
      filters.push(filter);
      const since = /ge (\S+)/.exec(filter)?.[1] ?? '';
      return route.fulfill({
        status: 200,
        headers,
        contentType: 'application/json',
        body: JSON.stringify({
          value: mails
            .filter((m) => m.at >= since)
            .map((m) => ({ id: m.id, subject: 's', receivedDateTime: m.at, hasAttachments: true })),
        }),
      });
    }
    const folders: Record<string, unknown[]> = {
      '/v1.0/me/mailFolders': [
        { id: 'AQMk-inbox', displayName: 'Inbox', totalItemCount: 4, childFolderCount: 1 },
        { id: 'AQMk-sent', displayName: 'Sent Items', totalItemCount: 2, childFolderCount: 0 },
      ],
      '/v1.0/me/mailFolders/AQMk-inbox/childFolders': [
        { id: 'AQMk-dmarc', displayName: 'DMARC', totalItemCount: 240, childFolderCount: 0 },
      ],
    };
    if (folders[url.pathname]) {
      return route.fulfill({
        status: 200,
        headers,
        contentType: 'application/json',
        body: JSON.stringify({ value: folders[url.pathname] }),
      });
    }
    const m = /^\/v1\.0\/me\/messages\/([^/]+)\/\$value$/.exec(url.pathname);
    const mail = m && mails.find((x) => x.id === decodeURIComponent(m[1]!));
    if (mail) {
      if (mail.id === 'AAMk-ruf=' && !throttled) {
        throttled = true;
        return route.fulfill({ status: 429, headers: { ...headers, 'Retry-After': '1' }, body: '' });
      }
      return route.fulfill({ status: 200, headers, contentType: 'text/plain', body: mail.mime });
    }
    return route.fulfill({ status: 404, headers, contentType: 'application/json', body: '{"error":{}}' });
  });

  await page.goto('./#/dmarc');
  await page.locator('summary', { hasText: 'Read from a mailbox' }).click();
  await configure(page);
  await page.getByLabel('Received since').fill('2026-11-01');
  const signIn = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Read the folder' }).click();
  await signIn;

  await expect(page.getByText('5 message(s) read')).toBeVisible();
  expect(fake.authorizeScopes).toEqual([['Mail.Read']]);
  expect(filters).toEqual(['receivedDateTime ge 2026-11-01T00:00:00Z']);
  expect(throttled).toBe(true);
  await expect(page.getByRole('tab', { name: /Failure reports/ })).toContainText('2');
  await expect(page.getByRole('tab', { name: /TLS/ })).toContainText('1');
  await expect(page.getByRole('tab', { name: /Files/ })).toContainText('5');
  await expect(page.getByText(/Reads only mail received since 2026-12-02T09:00:00Z/)).toBeVisible();
  await screenshot(page, 'dmarc-mailbox');
  expect(await axe(page)).toEqual([]);
  await page.getByRole('tab', { name: /Failure reports/ }).click();
  await expect(page.getByRole('table', { name: 'Failure reports' })).toContainText(
    'Überweisung für Café Müller',
  );

  // The next read asks only for mail since the last one.
  await page.getByRole('button', { name: 'Read the folder' }).click();
  await expect.poll(() => filters.length).toBe(2);
  expect(filters[1]).toBe('receivedDateTime ge 2026-12-02T09:00:00Z');
  await expect(page.getByText('1 message(s) read')).toBeVisible();
  expect(fake.authorizeScopes).toHaveLength(1);

  // The folder picker lists the folders and their first-level children.
  await page.getByRole('button', { name: 'List folders' }).click();
  const picker = page.getByRole('combobox', { name: 'Folder' });
  await expect(picker.getByRole('option')).toHaveText([
    'Inbox (default)',
    'Inbox (4)',
    'Inbox / DMARC (240)',
    'Sent Items (2)',
  ]);
  await picker.selectOption({ label: 'Inbox / DMARC (240)' });
  // Another folder has no resume point yet: the date applies again.
  await expect(page.getByLabel('Received since')).toBeEnabled();
});
