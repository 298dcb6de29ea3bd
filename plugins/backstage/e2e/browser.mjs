// Debian's chromium driven by playwright-core (no browser download).
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that signs in as the dev app's guest without prompting and reports page errors. */
export async function openPage(browser, { onPageError }) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  await context.addInitScript(() => {
    // Runs in every frame, including the sandboxed report frame, which has no storage.
    try {
      window.localStorage.setItem('enableLegacyGuestToken', 'true');
    } catch {
      /* sandboxed frame */
    }
  });
  const page = await context.newPage();
  page.on('dialog', dialog => dialog.accept());
  page.on('pageerror', error => onPageError(error));
  return page;
}

/** Opens `url`; when the dev app shows its guest sign-in page, enters as the guest. */
export async function gotoSignedIn(page, url, readyLocator) {
  await page.goto(url, { timeout: 180_000 });
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.or(readyLocator).first().waitFor({ timeout: 180_000 });
  if (await enter.isVisible()) {
    await enter.click();
    await readyLocator.first().waitFor({ timeout: 120_000 });
  }
}
