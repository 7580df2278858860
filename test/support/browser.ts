import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../stack/identity/people.js';
import { consoleUrl } from './console.js';

/**
 * The console's browser tests: Debian's Chromium driven by playwright-core, people signing in on
 * Keycloak's own login page, axe-core in the page, screenshots kept under test-artifacts/console/.
 */

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
/** Appended to a describe's name when it is skipped, so the report says why. */
export const noChromiumReason = hasChromium ? '' : ' — skipped: no /usr/bin/chromium (the stack installs Debian\'s chromium with the identity services)';
export const artifacts = 'test-artifacts/console';

export async function launchChromium(): Promise<Browser> {
  await mkdir(artifacts, { recursive: true });
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/** A fresh browser profile signed in as `user` through Keycloak's login page, on the console page `startAt`. */
export async function signedIn(browser: Browser, user: string, startAt = '/#/catalog'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${consoleUrl}${startAt}`);
  await page.getByRole('link', { name: 'Sign in with company SSO' }).click();
  await page.waitForURL((url) => url.origin !== consoleUrl);
  await page.locator('#username').fill(user);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('#kc-login').click();
  // Back on the console once its callback has exchanged the code (a first sign-in also imports the person from LDAP).
  await page.waitForURL((url) => url.origin === consoleUrl && !url.pathname.startsWith('/auth/'));
  await page.locator('#who button', { hasText: 'Sign out' }).waitFor();
  return page;
}

/** axe-core in the page: no serious or critical violation. */
export async function accessible(page: Page, name: string): Promise<void> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help }));
  });
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical'), name).toEqual([]);
}

export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${artifacts}/${name}.png`, fullPage: true });
}
