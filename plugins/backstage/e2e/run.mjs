#!/usr/bin/env node
// Browser test: the dev app in Debian's chromium against the REAL drill controller (`drillbook
// serve`, which starts the embedded reference stack). Checks that the cards show the live figures
// the controller serves, plans a dry run, launches a quick drill, follows it over SSE, aborts it
// from the UI, and saves screenshots in e2e-screenshots/.
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
  const confirm = dialog.getByRole('button', { name: 'Confirm and launch' });
  if (!(await confirm.isEnabled())) throw new Error('"Confirm and launch" is not enabled for an operator token after the plan');
  await page.screenshot({ path: `${SHOTS}04-dry-run-plan.png` });
  step(`dry run of ${plan.runbook}: ${plan.actions.length} action(s), ${plan.load.totalRequests} planned requests`);

  step('launch a quick drill, follow it live over SSE, abort it');
  await dialog.getByRole('button', { name: 'Back' }).click();
  await dialog.getByLabel('Quick run (shortened phases)').check();
  await dialog.getByRole('button', { name: 'Plan (dry run)' }).click();
  await dialog.getByTestId('drill-plan').waitFor();
  const started = page.waitForResponse(r => new URL(r.url()).pathname === `${API}/drills` && r.request().method() === 'POST');
  await dialog.getByRole('button', { name: 'Confirm and launch' }).click();
  const startResponse = await started;
  if (startResponse.status() !== 202) throw new Error(`the controller answered the launch with ${startResponse.status()}: ${await startResponse.text()}`);
  const { drill } = await startResponse.json();
  const live = page.getByLabel(`live drill ${drill.id}`);
  await live.waitFor({ timeout: 30_000 });
  // Events reach the browser through the proxy as they happen: wait until load is running (the
  // live figures line shows the controller's progress events), then abort mid-load.
  const figures = live.getByTestId('live-figures');
  await eventually(() => figures.innerText().catch(() => ''), text => (/req\/s/.test(text) ? [] : ['a progress event with the load rate']), { what: 'live drill progress', timeoutMs: 120_000 });
  await live.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}05-live-drill.png` });
  await live.getByRole('button', { name: 'Abort drill' }).click();
  await eventually(() => live.innerText(), text => (/\[end\]/.test(text) ? [] : ['the end event']), { what: 'drill end after abort', timeoutMs: 120_000 });
  const after = await direct(`/drills/${encodeURIComponent(drill.id)}`);
  if (after.state !== 'aborted') throw new Error(`drill ${drill.id} ended ${after.state} after the abort button, not aborted (${after.statusReason})`);
  const shownStatus = await live.innerText();
  if (!shownStatus.includes('aborted')) throw new Error(`the live panel does not show the aborted state: ${shownStatus.slice(0, 300)}`);
  await live.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}06-aborted-drill.png` });
  step(`drill ${drill.id}: followed live, aborted from the UI, controller says ${after.state} (${after.statusReason})`);

  step('HTML report of the aborted drill');
  const reportButton = page.getByRole('button', { name: `open report of drill ${drill.id}` });
  await reportButton.waitFor({ timeout: 60_000 });
  await reportButton.click();
  const report = page.frameLocator(`iframe[title="drill report ${drill.id}"]`).locator('body');
  await eventually(() => report.innerText().catch(() => ''), text => (text.includes(drill.runbook) ? [] : [`the runbook name ${drill.runbook} in the report`]), { what: 'report frame', timeoutMs: 30_000 });
  await page.screenshot({ path: `${SHOTS}07-report.png` });
  await page.getByRole('button', { name: 'Close' }).click();

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
