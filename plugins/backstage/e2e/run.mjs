#!/usr/bin/env node
// Browser test: the dev app in Debian's chromium against the REAL drill controller (`drillbook
// serve`, which starts the embedded reference stack). Checks that the cards show the live figures
// the controller serves, runs a dry-run launch, and saves screenshots in e2e-screenshots/.
//   npm run e2e                                     (starts the controller itself)
//   DRILLBOOK_CONTROLLER_URL=... DRILLBOOK_TOKEN=... npm run e2e   (a controller already running)
import { mkdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startController } from '../dev/controller.mjs';
import { startDevServer } from '../dev/devServer.mjs';
import { gotoSignedIn, launchChromium, openPage } from './browser.mjs';
import { eventually, expectedCardTexts } from './expect.mjs';

const SHOTS = fileURLToPath(new URL('../e2e-screenshots/', import.meta.url));
const SERVICE = process.env.DRILLBOOK_E2E_SERVICE ?? 'recsys-reference';
const API = '/api/proxy/drillbook/api/v1';
const step = message => console.log(`[e2e] ${message}`);

const cleanups = [];
let failed = false;
let page;
try {
  let controllerUrl = process.env.DRILLBOOK_CONTROLLER_URL;
  let token = process.env.DRILLBOOK_TOKEN;
  if (!controllerUrl) {
    token = `e2e-operator-${randomBytes(12).toString('hex')}`;
    step('starting the drill controller (drillbook serve --port 0) ...');
    const controller = await startController({ config: process.env.DRILLBOOK_CONTROLLER_CONFIG, tokens: { [token]: 'operator' } });
    cleanups.push(() => controller.stop());
    controllerUrl = controller.url;
  }
  step(`controller: ${controllerUrl}`);

  // Straight from the controller, not through the UI: what the cards are expected to show.
  const direct = async path => {
    const res = await fetch(`${controllerUrl}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`controller GET /api/v1${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const runbooks = (await direct('/runbooks')).items.filter(r => r.service === SERVICE);
  if (!runbooks.length) throw new Error(`the controller has no runbook targeting ${SERVICE}`);

  const server = await startDevServer({ controllerUrl, token });
  cleanups.push(() => server.close());
  step(`dev app: ${server.url}`);

  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const pageErrors = [];
  page = await openPage(browser, { onPageError: e => pageErrors.push(e) });

  // Every service summary the browser receives through the proxy, newest last.
  const summaries = [];
  page.on('response', async response => {
    if (new URL(response.url()).pathname === `${API}/services/${SERVICE}` && response.ok()) summaries.push(await response.json().catch(() => undefined));
  });

  step('catalogue page');
  const row = page.getByRole('row').filter({ hasText: SERVICE });
  await gotoSignedIn(page, `${server.url}/drillbook`, row);
  const listed = (await direct('/services')).items.find(s => s.id === SERVICE);
  if (!listed) throw new Error(`the controller does not list ${SERVICE}`);
  await eventually(() => row.innerText(), text => (/meeting objective|at risk|breaching|no data/.test(text) ? [] : ['an SLO state']), { what: 'catalogue row' });
  await page.screenshot({ path: `${SHOTS}01-drillbook-page.png`, fullPage: true });

  step('entity page cards');
  await page.goto(`${server.url}/catalog/default/component/${SERVICE}`);
  await page.getByText('SLOs and error budget').waitFor({ timeout: 60_000 });
  await eventually(
    async () => ({ summary: summaries.at(-1), text: await page.locator('main').innerText(), labels: await page.locator('[aria-label]').evaluateAll(els => els.map(e => e.getAttribute('aria-label'))) }),
    ({ summary, text, labels }) => (summary ? expectedCardTexts(summary).filter(t => !text.includes(t) && !labels.includes(t)) : ['a service summary from the controller']),
    { what: 'SLO and GPU cards vs. the controller response', timeoutMs: 60_000 },
  );
  const shown = summaries.at(-1);
  step(`cards match the controller: ${shown.slos.length} SLO(s), gpu.present=${shown.gpu.present}, source ${shown.slos[0]?.source.kind ?? 'n/a'}`);
  await page.screenshot({ path: `${SHOTS}02-entity-cards.png`, fullPage: true });

  step('dry-run launch');
  const launch = page.getByRole('button', { name: 'Launch drill' });
  await launch.waitFor();
  if (await launch.isDisabled()) throw new Error(`"Launch drill" is disabled for an operator token: ${await page.getByTestId('launch-refusal').innerText().catch(() => 'no reason shown')}`);
  await launch.click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Runbook').selectOption(runbooks[0].name);
  await page.screenshot({ path: `${SHOTS}03-launch-dialog.png` });
  const planned = page.waitForResponse(r => new URL(r.url()).pathname === `${API}/drills` && r.request().method() === 'POST');
  await dialog.getByRole('button', { name: 'Plan (dry run)' }).click();
  const planResponse = await planned;
  const sent = planResponse.request().postDataJSON();
  if (sent.dryRun !== true || sent.runbook !== runbooks[0].name) throw new Error(`the dry run sent ${JSON.stringify(sent)}`);
  if (planResponse.status() !== 200) throw new Error(`the controller answered the dry run with ${planResponse.status()}: ${await planResponse.text()}`);
  const { plan } = await planResponse.json();
  await dialog.getByTestId('drill-plan').waitFor();
  const planText = await dialog.innerText();
  for (const expected of [plan.title, plan.hypothesis, ...plan.actions.map(a => a.name)]) {
    if (!planText.includes(expected)) throw new Error(`the dry-run plan on screen lacks "${expected}"`);
  }
  if (!(await dialog.getByRole('button', { name: 'Confirm and launch' }).isVisible())) throw new Error('no confirm button after the plan');
  await page.screenshot({ path: `${SHOTS}04-dry-run-plan.png` });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  step(`dry run of ${plan.runbook}: ${plan.actions.length} action(s), ${plan.load.totalRequests} planned requests; not confirmed`);

  if (pageErrors.length) throw new Error(`the page threw: ${pageErrors.map(e => e.message).join('; ')}`);
  step(`passed; screenshots in ${SHOTS}`);
} catch (error) {
  failed = true;
  console.error(`[e2e] FAILED: ${error.message}`);
  if (page) await page.screenshot({ path: `${SHOTS}failure.png`, fullPage: true }).then(() => console.error(`[e2e] page at failure: ${SHOTS}failure.png`), () => undefined);
} finally {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(e => console.error(`[e2e] cleanup: ${e.message}`));
}
process.exit(failed ? 1 : 0);
