import { test as base, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Hosts a test may contact besides the app's own origin; only the Graph sign-in tests widen it. */
export interface RequestPolicy {
  allowedHosts: string[];
}

/**
 * Every test records every request the page makes (workers and popups included) and fails if one leaves the
 * app's origin for a host not explicitly allowed: the product's promise that dropped files stay in the browser.
 */
export const test = base.extend<RequestPolicy & { offOrigin: string[] }>({
  allowedHosts: [[], { option: true }],
  offOrigin: async ({ context, baseURL, allowedHosts }, use) => {
    const origin = new URL(baseURL!).origin;
    const seen: string[] = [];
    const left = new Set<import('@playwright/test').Request>();
    context.on('request', (req) => {
      const url = req.url();
      if (/^(data|blob|about|chrome-extension):/.test(url)) return;
      const u = new URL(url);
      if (u.origin === origin || u.protocol === 'file:') return;
      if (allowedHosts.includes(u.hostname)) return;
      left.add(req);
    });
    // A request the page's CSP refused never reached the network.
    context.on('requestfailed', (req) => {
      if (/^csp$|BLOCKED_BY_CSP/.test(req.failure()?.errorText ?? '')) left.delete(req);
    });
    await use(seen);
    seen.push(...[...left].map((r) => r.url()));
    expect(seen, 'requests that left the origin').toEqual([]);
  },
  page: async ({ page, offOrigin }, use) => {
    void offOrigin;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // A sticky header lands mid-image in full-page screenshots of a scrolled page; pin it to the top for them.
    const shoot = page.screenshot.bind(page);
    page.screenshot = (opts = {}) =>
      shoot({ ...opts, style: `header.app-header { position: static !important; } ${opts.style ?? ''}` });
    await use(page);
    expect(errors, 'uncaught errors in the page').toEqual([]);
  },
});

export { expect };

/** Saves a full-page screenshot under test-results/screens/ (kept as an artifact to look at). */
export async function screenshot(page: Page, name: string): Promise<void> {
  const path = `test-results/screens/${name}.png`;
  await mkdir(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: true });
}
