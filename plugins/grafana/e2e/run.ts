/**
 * Renders the BUILT plugin (dist/) in Debian's chromium through the harness and saves screenshots to
 * e2e-screenshots/. Fails on a page error, a harness load error or an expected text that is missing.
 *
 *   npm run e2e            (builds dist/ first; fake controller serving recorded responses)
 *   npm run e2e:real       (also starts the REAL `drillbook serve` with its embedded stack and runs a
 *                           quick drill through the app pages against it)
 *   CHROMIUM=/path/to/chromium tsx e2e/run.ts [--real-controller]
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { startRealController } from './realController';
import { startHarness } from './server';

const root = resolve(import.meta.dirname, '..');
const outDir = join(root, 'e2e-screenshots');
const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

const shots: string[] = [];
const consoleLines: string[] = [];
const failures: string[] = [];

async function shot(page: Page, name: string, selector?: string, fullPage = true) {
  const file = join(outDir, `${name}.png`);
  if (selector) {
    await page.locator(selector).first().screenshot({ path: file });
  } else {
    // A modal is positioned in the viewport: shoot the viewport, not the whole page, when one is open.
    await page.screenshot({ path: file, fullPage });
  }
  shots.push(file);
}

async function expectText(page: Page, text: string | RegExp, timeout = 15_000) {
  try {
    await page.getByText(text).first().waitFor({ state: 'visible', timeout });
  } catch {
    failures.push(`expected to see ${String(text)} on ${page.url()}`);
  }
}

async function openView(page: Page, base: string, query: string) {
  await page.goto(`${base}/?${query}`);
  await page.waitForFunction(() => document.body.dataset.harness === 'ready' || document.body.dataset.harness === 'failed', null, { timeout: 30_000 });
  if ((await page.evaluate(() => document.body.dataset.harness)) === 'failed') {
    throw new Error(`harness failed to load ${query}: ${await page.locator('[data-testid="harness-error"]').textContent()}`);
  }
}

async function main() {
  const realMode = process.argv.includes('--real-controller');
  const t0 = Date.now();
  // Each mode replaces only its own screenshots (real-*.png for the real controller).
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) {
    if (f.endsWith('.png') && f.startsWith('real-') === realMode) {
      rmSync(join(outDir, f));
    }
  }
  if (realMode) {
    await realControllerFlow();
    return finish(t0);
  }
  const harness = await startHarness({ kind: 'fake', options: { eventDelayMs: 350 } });
  // playwright-core starts chromium with a fresh temporary profile of its own.
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const started = Date.now();
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().includes('/api/plugin-proxy/')) {
        consoleLines.push(`[http ${r.status()}] ${r.url()}`);
      }
    });

    // 1. The two panels, from the built nested panel modules.
    await openView(page, harness.url, 'view=panels');
    await expectText(page, 'Kill one replica under load');
    await expectText(page, 'Lose zone b under peak load');
    await expectText(page, 'credit 60%');
    await expectText(page, 'Attainment (30d)');
    await expectText(page, 'budget overspent');
    await expectText(page, 'No data');
    await shot(page, '01-scorecard-panel-passed', '[data-testid="harness-panel-scorecard-passed"]');
    await shot(page, '02-scorecard-panel-failed', '[data-testid="harness-panel-scorecard-failed"]');
    await shot(page, '03-scorecard-panel-prometheus', '[data-testid="harness-panel-scorecard-prometheus"]');
    await shot(page, '04-scorecard-panel-no-data', '[data-testid="harness-panel-scorecard-empty"]');
    await shot(page, '05-slo-budget-panel', '[data-testid="harness-panel-slo-budget"]');
    await expectText(page, 'Drill scorecard (Drillbook data source: latest zone-outage)');
    await shot(page, '05b-scorecard-panel-from-datasource', '[data-testid="harness-panel-scorecard-datasource"]');
    await shot(page, '06-panels-overview');

    // 2. The game-day page: launch with a dry-run plan, follow live, scorecard.
    await openView(page, harness.url, 'view=app&route=gamedays');
    await expectText(page, 'Reference recommender');
    await expectText(page, 'Controller token:');
    await shot(page, '07-gamedays');
    await page.getByRole('button', { name: 'Launch replica-crash' }).click();
    await expectText(page, 'This injects real faults into a running service');
    await page.getByTestId('drillbook-launch-confirm-input').fill('recsys-reference');
    await page.waitForFunction(() => !document.querySelector('[data-testid="drillbook-launch-start"]')?.hasAttribute('disabled'));
    await page.mouse.move(0, 0);
    await shot(page, '08-launch-dry-run-plan', undefined, false);
    await page.getByTestId('drillbook-launch-start').click();
    await page.getByTestId('drillbook-follow-progress').waitFor({ timeout: 15_000 });
    await shot(page, '09-drill-live');
    await page.getByTestId('drillbook-scorecard-score').waitFor({ timeout: 20_000 });
    await expectText(page, 'Scorecard');
    await shot(page, '10-drill-finished-scorecard');

    // 3. Launch again and abort it mid-run.
    await page.getByRole('button', { name: 'Game days' }).click();
    await page.getByRole('button', { name: 'Launch replica-crash' }).click();
    await page.getByTestId('drillbook-launch-confirm-input').fill('recsys-reference');
    await page.getByTestId('drillbook-launch-start').click();
    await page.getByTestId('drillbook-follow-abort').click();
    await page.getByLabel('Abort reason').fill('harness: abort mid-run');
    await page.getByRole('button', { name: 'Abort now' }).click();
    await expectText(page, 'drill aborted: load stopped, faults cleared, rollback ran');
    await page.getByTestId('drillbook-scorecard-score').waitFor({ timeout: 15_000 });
    await expectText(page, 'harness: abort mid-run');
    await shot(page, '11-drill-aborted');

    // 4. History and the configuration page.
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByTestId('drillbook-history-row').first().waitFor();
    await shot(page, '12-history');
    await openView(page, harness.url, 'view=config');
    await page.getByTestId('drillbook-config-test').click();
    await expectText(page, 'Connected to the drill controller');
    await shot(page, '13-config');
  } finally {
    await browser.close();
    await harness.close();
  }
  finish(started);
}

function finish(started: number) {
  const consoleFile = join(outDir, process.argv.includes('--real-controller') ? 'console-real.log' : 'console.log');
  writeFileSync(consoleFile, `${consoleLines.join('\n')}\n`);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  for (const s of shots) {
    console.log(`  screenshot ${s}`);
  }
  if (failures.length > 0) {
    console.error(`e2e FAILED (${failures.length}):\n${failures.map((f) => `  - ${f}`).join('\n')}`);
    process.exit(1);
  }
  console.log(`e2e passed: ${shots.length} screenshots in ${seconds} s (browser console: ${consoleFile})`);
}

/** The app pages against the real controller: catalogue, a quick real drill followed to its scorecard, history. */
async function realControllerFlow() {
  const token = 'grafana-e2e-operator';
  const controller = await startRealController({ [token]: 'operator' });
  console.log(`  real controller: ${controller.url}`);
  const harness = await startHarness({ kind: 'real', url: controller.url, token });
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
    await openView(page, harness.url, 'view=app&route=gamedays');
    await page.getByTestId('drillbook-gameday-service').first().waitFor({ timeout: 30_000 });
    await expectText(page, 'Controller token:');
    await shot(page, 'real-01-gamedays');
    const runbook = process.env.DRILLBOOK_E2E_RUNBOOK ?? 'dependency-outage';
    await page.getByRole('button', { name: `Launch ${runbook}` }).click();
    await expectText(page, 'This injects real faults into a running service', 30_000);
    await page.getByText('Quick run').click();
    await page.getByTestId('drillbook-launch-plan').waitFor({ timeout: 30_000 });
    const service = (await page.getByTestId('drillbook-launch-confirm-input').getAttribute('placeholder')) ?? '';
    await page.getByTestId('drillbook-launch-confirm-input').fill(service);
    await page.waitForFunction(() => !document.querySelector('[data-testid="drillbook-launch-start"]')?.hasAttribute('disabled'));
    await page.mouse.move(0, 0);
    await shot(page, 'real-02-launch-plan', undefined, false);
    await page.getByTestId('drillbook-launch-start').click();
    await page.getByTestId('drillbook-follow-events').locator('li').first().waitFor({ timeout: 60_000 });
    await shot(page, 'real-03-drill-live');
    await page.getByTestId('drillbook-scorecard-score').waitFor({ timeout: 240_000 });
    await shot(page, 'real-04-drill-scorecard');
    await page.getByRole('button', { name: 'History' }).click();
    await page.getByTestId('drillbook-history-row').first().waitFor({ timeout: 30_000 });
    await shot(page, 'real-05-history');
    await openView(page, harness.url, 'view=config');
    await page.getByTestId('drillbook-config-test').click();
    await expectText(page, 'Connected to the drill controller');
  } finally {
    await browser.close();
    await harness.close();
    await controller.stop();
  }
}

main().catch((err) => {
  console.error(`e2e FAILED: ${err.stack ?? err}`);
  process.exit(1);
});
