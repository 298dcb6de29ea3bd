#!/usr/bin/env node
// Browser render check of the alert timeline in the report dialog: the dev app in Debian's chromium
// against a STAND-IN controller that serves one finished drill whose scorecard (the unit tests'
// fixture, src/__fixtures__/scorecard.ts) has three alerts: one fired and resolved, one still
// pending at the end (projected), one unexpected. A real drill would need minutes of load for an
// alert's `for:` to pass; `npm run e2e` covers the real controller. Checks the dialog draws the
// chart with one row per alert, expected first, the projected mark and the table, and saves
// e2e-screenshots/alert-timeline-dialog.png.
//   npm run e2e:alert-timeline
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { transformWithEsbuild } from 'vite';
import { startDevServer } from '../dev/devServer.mjs';
import { gotoSignedIn, launchChromium, openPage } from './browser.mjs';

const SHOTS = fileURLToPath(new URL('../e2e-screenshots/', import.meta.url));
const step = m => console.log(`[e2e:alert-timeline] ${m}`);

/** Imports one of the plugin's TypeScript fixtures (they import only types, so they stand alone). */
async function importFixture(name) {
  const file = fileURLToPath(new URL(`../src/__fixtures__/${name}.ts`, import.meta.url));
  const { code } = await transformWithEsbuild(readFileSync(file, 'utf8'), file, { loader: 'ts', format: 'esm' });
  return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

/** Answers the controller API calls of the entity page from the fixtures; anything else is a 404. */
async function startStandInController() {
  const c = await importFixture('controller');
  const s = await importFixture('scorecard');
  const drill = c.makeDrill({ id: 'drl_02', runbook: 'dependency-outage', score: 88, timeToDetectS: 2, reportUrl: '/api/v1/drills/drl_02/report' });
  const scorecard = s.makeScorecard();
  const report = `<html><body style="font-family:sans-serif"><h1>Scorecard ${drill.id}</h1><p>runbook ${drill.runbook} (stand-in report)</p></body></html>`;
  const routes = {
    '/api/v1/me': c.makeWhoAmI(),
    '/api/v1/services': { items: [c.makeService()] },
    '/api/v1/services/recsys-reference': c.makeService(),
    '/api/v1/runbooks': { items: [c.makeRunbook({ name: 'dependency-outage', title: 'Dependency outage' })] },
    '/api/v1/drills': { items: [drill] },
    '/api/v1/drills/drl_02': drill,
    '/api/v1/drills/drl_02/scorecard': { drill, scorecard },
    '/api/v1/emergency-stop': { active: false, reason: null, since: null, by: null },
  };
  const requests = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    if (path === '/api/v1/drills/drl_02/report') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(report);
    } else if (path in routes) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(routes[path]));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: `stand-in controller: no ${path}` } }));
    }
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, requests, scorecard, close: () => new Promise(resolve => server.close(resolve)) };
}

const cleanups = [];
let failed = false;
let page;
try {
  const controller = await startStandInController();
  cleanups.push(() => controller.close());
  const server = await startDevServer({ controllerUrl: controller.url, token: 'stand-in' });
  cleanups.push(() => server.close());
  step(`stand-in controller ${controller.url}, dev app ${server.url}`);
  mkdirSync(SHOTS, { recursive: true });
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const errors = [];
  page = await openPage(browser, { onPageError: e => errors.push(e) });

  const history = page.getByRole('table', { name: 'drill history' });
  await gotoSignedIn(page, `${server.url}/catalog/default/component/recsys-reference`, history);
  await history.getByRole('button', { name: 'open report of drill drl_02' }).click();
  const dialog = page.getByRole('dialog');
  const timeline = dialog.getByTestId('drillbook-alert-timeline');
  await timeline.waitFor({ timeout: 60_000 });
  await dialog.locator('iframe[title="drill report drl_02"]').waitFor({ timeout: 30_000 });

  const rows = await timeline.getByTestId('alert-row').evaluateAll(els => els.map(e => `${e.getAttribute('data-alert')}:${e.getAttribute('data-expected')}`));
  const want = ['RecsysUpstreamDown:true', 'RecsysFallbackRateHigh:true', 'RecsysLatencyHigh:false'];
  if (JSON.stringify(rows) !== JSON.stringify(want)) throw new Error(`alert rows ${JSON.stringify(rows)}, expected ${JSON.stringify(want)}`);
  const text = await timeline.evaluate(e => e.textContent ?? '');
  for (const expected of ['→ projected +123.5 s', '+123.5 s (projected)', 'Time to detect: 2.0 s after the fault, detected by alert RecsysUpstreamDown (page)', 'error rate', 'p99 latency']) {
    if (!text.includes(expected)) throw new Error(`the alert timeline lacks ${JSON.stringify(expected)}:\n${text}`);
  }
  // The chart is laid out (not collapsed) and its marks line up with the fault window.
  const box = await timeline.getByRole('img').boundingBox();
  if (!box || box.width < 600 || box.height < 150) throw new Error(`the chart is ${JSON.stringify(box)}`);
  const fault = await timeline.getByTestId('fault-window').boundingBox();
  const firing = await timeline.getByTestId('firing-span').first().boundingBox();
  if (!fault || !firing || firing.x < fault.x || firing.x + firing.width > fault.x + fault.width + 1) {
    throw new Error(`RecsysUpstreamDown fired and resolved inside the fault window, but its span ${JSON.stringify(firing)} lies outside ${JSON.stringify(fault)}`);
  }
  const fetched = controller.requests.filter(p => p === '/api/v1/drills/drl_02/scorecard').length;
  if (fetched !== 1) throw new Error(`the dialog fetched the scorecard ${fetched} times, expected once`);
  await dialog.screenshot({ path: `${SHOTS}alert-timeline-dialog.png` });
  step(`3 alert rows (expected first), projected mark, table and time to detect; chart ${Math.round(box.width)}x${Math.round(box.height)} px`);
  if (errors.length) throw new Error(`page errors: ${errors.map(e => e.message).join('; ')}`);
  step(`passed; screenshot ${SHOTS}alert-timeline-dialog.png`);
} catch (error) {
  failed = true;
  console.error(`[e2e:alert-timeline] FAILED: ${error.stack ?? error}`);
  if (page) await page.screenshot({ path: `${SHOTS}alert-timeline-failure.png`, fullPage: true }).catch(() => undefined);
} finally {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
}
process.exit(failed ? 1 : 0);
