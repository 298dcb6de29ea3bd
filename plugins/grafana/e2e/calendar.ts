/**
 * Browser check of the game-day calendar page: the BUILT plugin in the harness, against the REAL
 * drill controller (`drillbook serve` with its embedded stack, approvals required for the reference
 * service) seeded through the API with two schedules, a global and a weekly blackout and a drill
 * waiting for approval; the app's token is an approver's. Saves e2e-screenshots/calendar-*.png.
 *
 *   npm run e2e:calendar     (builds dist/ first)
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { startRealController } from './realController';
import { startHarness } from './server';

const outDir = join(resolve(import.meta.dirname, '..'), 'e2e-screenshots');
const SERVICE = 'recsys-reference';
const step = (m: string) => console.log(`[calendar] ${m}`);

async function main() {
  const t = (role: string) => `e2e-${role}-${randomBytes(8).toString('hex')}`;
  const tokens = { operator: t('operator'), approver: t('approver'), admin: t('admin') };
  // A fresh data directory: `drillbook serve` runs in the repository root, whose default
  // .drillbook/controller would keep what earlier runs seeded.
  const work = mkdtempSync(join(tmpdir(), 'drillbook-grafana-calendar-'));
  const config = join(work, 'controller.yaml');
  writeFileSync(config, `dataDir: ${join(work, 'data')}\ngameDays:\n  approvals: { services: [${SERVICE}], expiryS: 86400 }\n`);
  step('starting the drill controller (embedded stack, approvals required) ...');
  const controller = await startRealController({ [tokens.operator]: 'operator', [tokens.approver]: 'approver', [tokens.admin]: 'admin' }, 240_000, config);
  const cleanups: Array<() => Promise<unknown>> = [async () => rmSync(work, { recursive: true, force: true }), () => controller.stop()];
  try {
    const call = async <T = any>(method: string, path: string, token: string, body?: unknown): Promise<T> => { // eslint-disable-line @typescript-eslint/no-explicit-any
      const res = await fetch(`${controller.url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = await res.json();
      if (!res.ok) {
        throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
      }
      return json as T;
    };
    const runbooks = (await call<{ items: Array<{ name: string; service: string }> }>('GET', '/runbooks', tokens.operator)).items.filter((r) => r.service === SERVICE);
    const day = 86_400_000;
    const at = (d: number) => new Date(Math.floor(Date.now() / day) * day + d * day).toISOString();
    await call('POST', '/schedules', tokens.operator, { runbook: runbooks[0]!.name, cron: '0 3 * * 2,4', timeZone: 'Europe/Berlin', quick: true });
    await call('POST', '/schedules', tokens.operator, { runbook: (runbooks[1] ?? runbooks[0])!.name, cron: '30 14 * * *', timeZone: 'UTC' });
    await call('POST', '/blackouts', tokens.admin, { name: 'Winter sale', start: at(3), end: at(5), reason: 'peak traffic: no drills' });
    // The drill is asked for before the weekly blackout exists: run on a weekend night, the drill would
    // otherwise be refused (423) by the very window this page is about to show.
    const pending = await call('POST', '/drills', tokens.operator, { runbook: runbooks[0]!.name, quick: true });
    if (pending.state !== 'pending-approval') {
      throw new Error(`expected a pending approval, got ${JSON.stringify(pending)}`);
    }
    await call('POST', '/blackouts', tokens.operator, { name: 'Weekend nights', service: SERVICE, weekly: { days: ['sat', 'sun'], from: '22:00', to: '06:00', timeZone: 'Europe/Berlin' } });
    step(`seeded: 2 schedules, 2 blackouts, approval ${pending.approval.id}`);

    const harness = await startHarness({ kind: 'real', url: controller.url, token: tokens.approver });
    cleanups.push(() => harness.close());
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // The harness bundle is built on first request; a busy shared machine needs more than 30 s.
    await page.goto(`${harness.url}/?view=app&route=calendar`, { timeout: 180_000, waitUntil: 'domcontentloaded' });
    await page.waitForFunction(() => document.body.dataset.harness === 'ready' || document.body.dataset.harness === 'failed', null, { timeout: 180_000 });
    const cal = page.getByTestId('drillbook-calendar');
    await cal.getByRole('button', { name: 'Approve' }).first().waitFor({ timeout: 60_000 });
    const text = await cal.innerText();
    const missing = ['Pending approvals', runbooks[0]!.name, 'Winter sale', 'Weekend nights', 'blackout: Winter sale', 'Reject', SERVICE].filter((x) => !text.includes(x));
    if (missing.length) {
      throw new Error(`the calendar lacks ${missing.join(', ')}:\n${text.slice(0, 1500)}`);
    }
    mkdirSync(outDir, { recursive: true });
    await page.screenshot({ path: join(outDir, 'calendar-app-page.png'), fullPage: true });
    step('calendar page: approvals with approve/reject, upcoming runs (some in the Winter sale blackout), blackouts, resilience');
    if (errors.length) {
      throw new Error(`page errors: ${errors.join('\n')}`);
    }
  } finally {
    for (const c of cleanups.reverse()) {
      await c().catch(() => undefined);
    }
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`[calendar] FAILED: ${e instanceof Error ? e.stack : e}`);
    process.exit(1);
  },
);
