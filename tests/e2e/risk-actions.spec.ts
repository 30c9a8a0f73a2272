/**
 * Acting on risky users from the page with the real MSAL and a faked Entra and Graph: the write permission is
 * asked for only at the first action (a second pop-up, for that scope alone), the dialog lists exactly who is
 * affected, results come per user, the queue shows Identity Protection's new state, and the audit downloads.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, screenshot } from './fixtures.ts';
import { CLIENT, TENANT, fakeEntra } from './fake-entra.ts';

test.use({ allowedHosts: ['login.microsoftonline.com', 'graph.microsoft.com'] });

const ALEX = 'a1b2c3d4-0001-4000-8000-000000000001';
const MEGAN = 'a1b2c3d4-0002-4000-8000-000000000002';
const FIXTURES = resolve('src/tools/risk-triage/fixtures');

/** The dialog alone, where a full-page image would show it small. */
async function shootDialog(page: Page, name: string) {
  await page.getByRole('dialog').screenshot({ path: `test-results/screens/${name}-dialog.png` });
}

async function configure(page: Page) {
  await page.getByRole('button', { name: 'Graph settings' }).click();
  await page.getByLabel('Application (client) ID').fill(CLIENT);
  await page.getByLabel('Tenant (Directory ID or domain)').fill(TENANT);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
}

test('confirm compromised: consent for the write scope at first use, synced user told to reset on-premises, queue refreshed, audit CSV', async ({
  page,
  context,
  baseURL,
}) => {
  const fake = await fakeEntra(context, new URL(baseURL!).origin);
  await page.goto('./#/risk-triage');
  await configure(page);
  const signIn = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Load from Graph' }).click();
  await signIn;
  const table = page.getByRole('table', { name: 'Risky users by priority' });
  await expect(table.getByRole('row').nth(1)).toContainText('alex.wilber@contoso.com');
  // Sign-in asked for reading only.
  expect(fake.authorizeScopes).toEqual([
    ['IdentityRiskyUser.Read.All', 'IdentityRiskEvent.Read.All', 'User.Read.All'],
  ]);

  await table.getByRole('row').nth(1).click();
  const detail = page.getByRole('article', { name: /Alex Wilber/ });
  await detail.getByRole('button', { name: 'Confirm compromised…' }).click();
  const dialog = page.getByRole('dialog', { name: /Confirm compromised: 1 user/ });
  await expect(dialog.getByRole('list', { name: 'Users affected' }).getByRole('listitem')).toHaveCount(1);
  await expect(dialog).toContainText('alex.wilber@contoso.com');
  await expect(dialog).toContainText('This user is synced from AD: the password must be reset on-premises');
  await expect(dialog).toContainText("Set-ADAccountPassword -Identity 'awilber' -Reset");
  await expect(dialog).toContainText('IdentityRiskyUser.ReadWrite.All');
  await screenshot(page, 'risk-actions-confirm');
  await shootDialog(page, 'risk-actions-confirm');

  const consent = page.waitForEvent('popup');
  await dialog.getByRole('button', { name: 'Confirm compromised (1)' }).click();
  await consent;
  await expect(dialog.getByRole('status')).toHaveText('1 done, 0 failed.');
  await expect(dialog.getByRole('list', { name: 'Results' })).toContainText('✓ done');
  // The consent pop-up asked for exactly the one write permission this action needs.
  expect(fake.authorizeScopes[1]).toEqual(['IdentityRiskyUser.ReadWrite.All']);
  const post = fake.calls.find((c) => c.method === 'POST')!;
  expect(post.path).toBe('/v1.0/identityProtection/riskyUsers/confirmCompromised');
  expect(JSON.parse(post.body)).toEqual({ userIds: [ALEX] });
  await screenshot(page, 'risk-actions-confirm-done');
  await shootDialog(page, 'risk-actions-confirm-done');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The queue shows what Identity Protection now says.
  await expect(table.getByRole('row').nth(1)).toContainText('confirmed compromised');
  // Read live, so the live copy itself was updated: no second copy of Alex.
  await expect(page.getByText('appeared in more than one file')).toHaveCount(0);
  const audit = page.getByRole('table', { name: 'Actions this session' });
  await expect(audit.getByRole('row')).toHaveCount(2);
  await expect(audit).toContainText('ada.admin@contoso.com');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download audit CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('risk-actions-audit.csv');
  const csv = (await readFile((await download.path())!, 'utf8')).split('\r\n');
  expect(csv[0]).toBe('\ufeffWhen (UTC),Signed in as,User ID,User,Action,Result,Detail,Request ID');
  expect(csv[1]).toMatch(
    new RegExp(
      `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z,ada\\.admin@contoso\\.com,${ALEX},alex\\.wilber@contoso\\.com,Confirm compromised,done,Done\\.,rid-\\d+$`,
    ),
  );
  await screenshot(page, 'risk-actions-audit');
  await page
    .getByRole('region', { name: /Actions this session/ })
    .screenshot({ path: 'test-results/screens/risk-actions-audit-panel.png' });
});

test('dismiss for a selection: untick one, partial failure explained (403 without the role), the others done', async ({
  page,
  context,
  baseURL,
}) => {
  const fake = await fakeEntra(context, new URL(baseURL!).origin);
  fake.refuse.set(MEGAN, {
    status: 403,
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  });
  await page.goto('./#/risk-triage');
  await page
    .locator('input[type=file][aria-label="Drop riskyUsers and riskDetections JSON"]')
    .setInputFiles(
      ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map((f) =>
        resolve(FIXTURES, f),
      ),
    );
  await expect(page.getByRole('table', { name: 'Risky users by priority' })).toBeVisible();
  await configure(page);

  await page
    .getByRole('group', { name: 'Act on the users shown' })
    .getByRole('button', { name: 'Dismiss risk…' })
    .click();
  const dialog = page.getByRole('dialog', { name: /Dismiss risk: \d+ users/ });
  const affected = dialog.getByRole('list', { name: 'Users affected' });
  await expect(affected.getByRole('listitem')).toHaveCount(5);
  // Patti stays as she is.
  await affected
    .getByRole('listitem')
    .filter({ hasText: "patti.o'fernandez@contoso.com" })
    .getByRole('checkbox')
    .uncheck();
  await expect(dialog.getByRole('heading')).toHaveText('Dismiss risk: 4 users');
  const signIn = page.waitForEvent('popup');
  await dialog.getByRole('button', { name: 'Dismiss risk (4)' }).click();
  await signIn;
  await expect(dialog.getByRole('status')).toHaveText('3 done, 1 failed.', { timeout: 30_000 });
  const megan = dialog
    .getByRole('list', { name: 'Results' })
    .getByRole('listitem')
    .filter({ hasText: 'megan.bowen' });
  await expect(megan).toContainText('✗ failed');
  await expect(megan).toContainText('Refused (403)');
  await expect(megan).toContainText('Security Administrator, Security Operator');
  await expect(megan).toContainText('Insufficient privileges');
  // Signing in for an action asks for that action's permission only.
  expect(fake.authorizeScopes).toEqual([['IdentityRiskyUser.ReadWrite.All']]);
  const dismissed = fake.calls
    .filter((c) => c.path.endsWith('/dismiss'))
    .map((c) => JSON.parse(c.body).userIds[0]);
  expect(dismissed).toHaveLength(4);
  expect(dismissed).not.toContain('a1b2c3d4-0003-4000-8000-000000000003');
  await screenshot(page, 'risk-actions-partial');
  await shootDialog(page, 'risk-actions-partial');
  await dialog.getByRole('button', { name: 'Close' }).click();
  // Dismissed users leave the open queue; Megan (refused) and Patti (unticked) stay.
  const table = page.getByRole('table', { name: 'Risky users by priority' });
  await expect(table).not.toContainText('alex.wilber@contoso.com');
  await expect(table).toContainText('megan.bowen@contoso.com');
  await expect(table).toContainText("patti.o'fernandez@contoso.com");
  // Dropped files stay as they were: the new records come as a file of their own.
  await expect(page.getByRole('list', { name: 'Files in use' })).toContainText(
    'riskyUsers (after actions).json',
  );
});

test('revoke sessions without the role: every user fails with the permission and roles named', async ({
  page,
  context,
  baseURL,
}) => {
  const fake = await fakeEntra(context, new URL(baseURL!).origin);
  fake.refuse.set(ALEX, {
    status: 403,
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  });
  await page.goto('./#/risk-triage');
  await configure(page);
  const signIn = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Load from Graph' }).click();
  await signIn;
  const table = page.getByRole('table', { name: 'Risky users by priority' });
  await table.getByRole('row').nth(1).click();
  await page
    .getByRole('article', { name: /Alex Wilber/ })
    .getByRole('button', { name: 'Revoke sessions…' })
    .click();
  const dialog = page.getByRole('dialog', { name: /Revoke sessions: 1 user/ });
  await expect(dialog).not.toContainText('reset on-premises');
  const consent = page.waitForEvent('popup');
  await dialog.getByRole('button', { name: 'Revoke sessions (1)' }).click();
  await consent;
  await expect(dialog.getByRole('status')).toHaveText('0 done, 1 failed.');
  await expect(dialog).toContainText('User.RevokeSessions.All');
  await expect(dialog).toContainText('Privileged Authentication Administrator');
  expect(fake.authorizeScopes[1]).toEqual(['User.RevokeSessions.All']);
  await screenshot(page, 'risk-actions-403');
  await shootDialog(page, 'risk-actions-403');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('table', { name: 'Actions this session' })).toContainText('failed');
});

test('one rules file: exported from the page editor, the job decides what is new with it', async ({
  page,
}) => {
  const files = ['graph-risky-users.json', 'graph-risk-detections-pages.json', 'graph-users.json'].map((f) =>
    resolve(FIXTURES, f),
  );
  await page.goto('./#/risk-triage');
  await page
    .locator('input[type=file][aria-label="Drop riskyUsers and riskDetections JSON"]')
    .setInputFiles(files);
  await page.getByRole('tab', { name: 'Rules' }).click();
  // Nobody reaches P1 under these rules (Alex is P1 by default).
  await page.getByRole('spinbutton', { name: 'P1' }).fill('200');
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByText('These rules as JSON').click();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download risk-rules.json' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('risk-rules.json');
  const rules = JSON.parse(await readFile((await download.path())!, 'utf8'));
  const { runScheduled } = await import('../../src/tools/risk-triage/automation/run.ts');
  let out = '';
  const code = await runScheduled(
    {
      files: await Promise.all(files.map(async (f) => ({ name: f, bytes: await readFile(f) }))),
      readGraph: false,
      format: 'json',
      rules,
      now: Date.parse('2026-11-23T12:00:00Z'),
    },
    {
      stdout: (t) => void (out += t),
      report: () => undefined,
      env: {},
      readFile: async () => new Uint8Array(),
      writeFileAtomic: async () => undefined,
    },
  );
  expect(code).toBe(0);
  const summary = JSON.parse(out) as {
    users: { id: string; priority: number }[];
    delivered: { new: { users: string[] } };
  };
  expect(summary.users.find((u) => u.id === 'a1b2c3d4-0001-4000-8000-000000000001')!.priority).toBe(2);
  expect(summary.users.some((u) => u.priority === 1)).toBe(false);
  expect(summary.delivered.new.users).toHaveLength(5);
});
