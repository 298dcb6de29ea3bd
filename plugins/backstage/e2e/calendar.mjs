#!/usr/bin/env node
// Browser check of the game-day calendar: the dev app in Debian's chromium against the REAL drill
// controller (`drillbook serve` with its embedded stack, approvals required for the reference
// service), seeded through the API with two schedules, a global and a weekly blackout and a drill
// waiting for approval. Checks the Drillbook page and the entity card show them, with Approve and
// Reject for an approver token, and saves e2e-screenshots/calendar-*.png.
//   node e2e/calendar.mjs
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startController } from '../dev/controller.mjs';
import { startDevServer } from '../dev/devServer.mjs';
import { gotoSignedIn, launchChromium, openPage } from './browser.mjs';

const SHOTS = fileURLToPath(new URL('../e2e-screenshots/', import.meta.url));
const SERVICE = 'recsys-reference';
const step = m => console.log(`[calendar] ${m}`);
const cleanups = [];
let failed = false;
try {
  const t = role => `e2e-${role}-${randomBytes(8).toString('hex')}`;
  const tokens = { operator: t('operator'), approver: t('approver'), admin: t('admin') };
  const config = join(mkdtempSync(join(tmpdir(), 'drillbook-calendar-')), 'controller.yaml');
  writeFileSync(config, `gameDays:\n  approvals: { services: [${SERVICE}], expiryS: 86400 }\n`);
  step('starting the drill controller (embedded stack, approvals required) ...');
  const controller = await startController({ config, tokens: Object.fromEntries(Object.entries(tokens).map(([role, tok]) => [tok, role])) });
  cleanups.push(() => controller.stop());
  const call = async (method, path, token, body) => {
    const res = await fetch(`${controller.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  const runbooks = (await call('GET', '/runbooks', tokens.operator)).items.filter(r => r.service === SERVICE);
  const day = 86_400_000;
  const at = d => new Date(Math.floor(Date.now() / day) * day + d * day).toISOString();
  await call('POST', '/schedules', tokens.operator, { runbook: runbooks[0].name, cron: '0 3 * * 2,4', timeZone: 'Europe/Berlin', quick: true });
  await call('POST', '/schedules', tokens.operator, { runbook: (runbooks[1] ?? runbooks[0]).name, cron: '30 14 * * *', timeZone: 'UTC' });
  const sale = await call('POST', '/blackouts', tokens.admin, { name: 'Winter sale', start: at(3), end: at(5), reason: 'peak traffic: no drills' });
  // The drill is asked for before the weekly blackout exists: run on a weekend night, the drill would
  // otherwise be refused (423) by the very window this page is about to show.
  const pending = await call('POST', '/drills', tokens.operator, { runbook: runbooks[0].name, quick: true });
  if (pending.state !== 'pending-approval') throw new Error(`expected a pending approval, got ${JSON.stringify(pending)}`);
  await call('POST', '/blackouts', tokens.operator, { name: 'Weekend nights', service: SERVICE, weekly: { days: ['sat', 'sun'], from: '22:00', to: '06:00', timeZone: 'Europe/Berlin' } });
  step(`seeded: 2 schedules, blackouts ${sale.name} + Weekend nights, approval ${pending.approval.id}`);

  const server = await startDevServer({ controllerUrl: controller.url, token: tokens.approver });
  cleanups.push(() => server.close());
  mkdirSync(SHOTS, { recursive: true });
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const errors = [];
  const page = await openPage(browser, { onPageError: e => errors.push(e) });
  await page.setViewportSize({ width: 1400, height: 1000 });

  const calendar = page.getByTestId('drillbook-calendar');
  await gotoSignedIn(page, `${server.url}/drillbook`, calendar);
  const expectTexts = async (where, texts) => {
    const text = await where.innerText();
    // MUI buttons are upper-cased by CSS, which innerText reflects: compare case-insensitively.
    const missing = texts.filter(x => !text.toLowerCase().includes(x.toLowerCase()));
    if (missing.length) throw new Error(`the calendar lacks ${missing.map(m => JSON.stringify(m)).join(', ')}:\n${text.slice(0, 1500)}`);
  };
  await calendar.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 60_000 });
  await expectTexts(calendar, ['Pending approvals', runbooks[0].name, 'Winter sale', 'Weekend nights', 'blackout: Winter sale', 'Reject', SERVICE]);
  await calendar.scrollIntoViewIfNeeded();
  await calendar.screenshot({ path: `${SHOTS}calendar-drillbook-page.png` });
  step('Drillbook page calendar: approvals, upcoming runs (some in the Winter sale blackout), blackouts');

  await page.goto(`${server.url}/catalog/default/component/${SERVICE}`);
  const card = page.getByTestId('drillbook-calendar');
  await card.waitFor({ timeout: 60_000 });
  await card.getByRole('button', { name: 'Approve' }).waitFor({ timeout: 60_000 });
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}calendar-entity-card.png`, fullPage: true });
  step('entity card calendar');
  if (errors.length) throw new Error(`page errors: ${errors.join('\n')}`);
} catch (e) {
  failed = true;
  console.error(`[calendar] FAILED: ${e.stack ?? e}`);
} finally {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
}
process.exit(failed ? 1 : 0);
