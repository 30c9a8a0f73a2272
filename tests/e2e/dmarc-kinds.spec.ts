import { test, expect } from './fixtures.ts';
import type { Page } from '@playwright/test';
import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/*
 * Failure (RFC 6591) and SMTP TLS (RFC 8460) reports dropped beside aggregate ones, as one mailbox folder: both
 * views list them, the failure detail shows the original headers and links a known source to its sender.
 */
const FIXTURES = resolve('src/tools/dmarc/fixtures');
const SHOTS = process.env.HT_SHOTS;

const arf = (ip: string, subject: string, when: string, id: string) =>
  [
    'From: dmarc-reports@receiver.example',
    `Subject: DMARC failure report for contoso.example from ${ip}`,
    'Content-Type: multipart/report; report-type=feedback-report; boundary="B"',
    '',
    '--B',
    'Content-Type: text/plain',
    '',
    'An authentication failure report.',
    '--B',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: auth-failure',
    'User-Agent: Reporter/1.0',
    'Version: 1',
    'Original-Mail-From: <bounce@spoofer.example>',
    `Arrival-Date: ${when}`,
    `Source-IP: ${ip}`,
    'Reported-Domain: contoso.example',
    'Auth-Failure: dmarc',
    'Delivery-Result: reject',
    '',
    '--B',
    'Content-Type: message/rfc822',
    '',
    'From: "Contoso CEO" <ceo@contoso.example>',
    `Subject: ${subject}`,
    `Message-ID: <${id}@spoofer.example>`,
    'Date: Wed, 01 Jan 2025 10:00:00 +0000',
    '',
    'Please pay.',
    '--B--',
    '',
  ].join('\r\n');

const TLS = {
  'organization-name': 'Google Inc.',
  'date-range': { 'start-datetime': '2025-01-01T00:00:00Z', 'end-datetime': '2025-01-01T23:59:59Z' },
  'contact-info': 'smtp-tls-reporting@google.com',
  'report-id': '2025-01-01T00:00:00Z_contoso.example',
  policies: [
    {
      policy: {
        'policy-type': 'sts',
        'policy-domain': 'contoso.example',
        'mx-host': ['*.mail.contoso.example'],
      },
      summary: { 'total-successful-session-count': 950, 'total-failure-session-count': 50 },
      'failure-details': [
        {
          'result-type': 'certificate-expired',
          'sending-mta-ip': '209.85.222.201',
          'receiving-mx-hostname': 'mx1.mail.contoso.example',
          'failed-session-count': 50,
        },
      ],
    },
  ],
};

async function mailbox(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'dmarc-kinds-'));
  for (const f of await readdir(FIXTURES)) await copyFile(join(FIXTURES, f), join(dir, f));
  await mkdir(join(dir, 'ruf'));
  // 40.107.22.105 sends for contoso.example in the aggregate fixtures (Microsoft 365); 192.0.2.99 is unknown.
  await writeFile(
    join(dir, 'ruf', 'a.eml'),
    arf('40.107.22.105', 'Quarterly numbers', 'Wed, 01 Jan 2025 10:00:01 +0000', 'a'),
  );
  await writeFile(
    join(dir, 'ruf', 'b.eml'),
    arf('192.0.2.99', 'Invoice 42', 'Wed, 01 Jan 2025 11:00:00 +0000', 'b'),
  );
  await writeFile(
    join(dir, 'ruf', 'c.eml'),
    arf('192.0.2.99', 'Invoice 43', 'Thu, 02 Jan 2025 09:00:00 +0000', 'c'),
  );
  await writeFile(join(dir, 'tls.json.gz'), gzipSync(new TextEncoder().encode(JSON.stringify(TLS))));
  return dir;
}

// Evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's violations, one line per element. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE);
  await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  const violations = (await page.evaluate(async () => {
    const w = window as unknown as {
      axe: { run: (ctx: Document, o: object) => Promise<{ violations: unknown[] }> };
    };
    return (await w.axe.run(document, { resultTypes: ['violations'] })).violations;
  })) as { id: string; nodes: { target: string[] }[] }[];
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
}

async function shot(page: Page, name: string) {
  if (!SHOTS) return;
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test.describe('DMARC failure and TLS reports', () => {
  test('dropped beside aggregate reports: listed, grouped, opened, linked to the sender', async ({
    page,
  }) => {
    await page.goto('./#/dmarc');
    await page.getByLabel(/\(folder\)$/).setInputFiles(await mailbox());
    await expect(page.getByRole('tab', { name: /^Failure reports/ })).toContainText('3');
    await expect(page.getByRole('tab', { name: /^TLS/ })).toContainText('1');
    // The overview shows all three kinds.
    const overview = (label: string) => page.locator('.stats li').filter({ hasText: label });
    await expect(overview('Failure reports').locator('.value')).toHaveText('3');
    await expect(overview('SMTP TLS reports')).toContainText('95 % of 1,000 sessions succeeded');
    await shot(page, 'overview');

    await page.getByRole('tab', { name: /^Failure reports/ }).click();
    const list = page.getByRole('table', { name: 'Failure reports' });
    await expect(list.getByRole('row').filter({ hasText: 'Invoice' })).toHaveCount(2);
    await expect(list.getByRole('row').filter({ hasText: 'Quarterly numbers' })).toContainText(
      'Microsoft 365',
    );
    await shot(page, 'failure-list');
    expect(await axe(page), 'axe, failure reports').toEqual([]);

    await page.getByRole('radio', { name: 'By source' }).check();
    const bySource = page.getByRole('table', { name: 'Failure reports by source' });
    await expect(bySource.getByRole('row').filter({ hasText: '192.0.2.99' })).toContainText(
      'Invoice 42, Invoice 43',
    );
    await page.getByRole('radio', { name: 'By subject' }).check();
    await expect(page.getByRole('table', { name: 'Failure reports by subject' })).toContainText('Invoice 43');
    await shot(page, 'failure-by-subject');

    // A group opens the list searched for it.
    await page
      .getByRole('table', { name: 'Failure reports by subject' })
      .getByRole('row', { name: /Quarterly/ })
      .click();
    await expect(list.getByRole('row')).toHaveCount(2); // the header row and one report
    await list.getByRole('row').filter({ hasText: 'Quarterly numbers' }).click();
    await expect(page.getByRole('heading', { name: 'Quarterly numbers' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Original message headers' })).toContainText(
      'message-id: <a@spoofer.example>',
    );
    await shot(page, 'failure-detail');
    expect(await axe(page), 'axe, failure detail').toEqual([]);
    await page.getByRole('button', { name: 'Microsoft 365' }).click();
    await expect(page.getByRole('heading', { level: 2, name: 'Microsoft 365' })).toBeVisible();

    await page.getByRole('tab', { name: /^TLS/ }).click();
    const stat = page.locator('.stats li').filter({ hasText: 'Sessions succeeded' });
    await expect(stat.locator('.value')).toHaveText('95 %');
    const failures = page.getByRole('table', { name: 'Failures by result type' });
    await expect(failures.getByRole('row').filter({ hasText: 'certificate-expired' })).toContainText('Renew');
    await expect(page.getByRole('table', { name: 'By policy domain and MX' })).toContainText(
      'mx1.mail.contoso.example',
    );
    await shot(page, 'tls');
    expect(await axe(page), 'axe, TLS').toEqual([]);
    await page.getByRole('button', { name: /^Theme:/ }).click();
    await page.getByRole('button', { name: /^Theme:/ }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    expect(await axe(page), 'axe, TLS dark').toEqual([]);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page
        .getByRole('group', { name: 'TLS report downloads' })
        .getByRole('button', { name: /NDJSON/ })
        .click(),
    ]);
    const doc = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(doc).toMatchObject({ organization_name: 'Google Inc.', policies: [{ failed_session_count: 50 }] });
  });
});
