#!/usr/bin/env node
// Browser screenshots of the person, not the plugin: the entity page for a viewer (bob) and for an
// operator (alice), in Debian's chromium, against the REAL drill controller (`drillbook serve`
// with a stand-in service whose gateway is not running: no reference stack is started).
// The dev server stands in for the Drillbook backend plugin: it calls the controller with a token
// marked `onBehalfOf: true` and `X-Drillbook-On-Behalf-Of` for the user named by a cookie; the dev
// app's permission API stands in for the app's permission policy (launch where the controller
// grants the person operator rights). Saves e2e-screenshots/identity-*.png.
//   npm run e2e:identity
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startController } from '../dev/controller.mjs';
import { startDevServer } from '../dev/devServer.mjs';
import { gotoSignedIn, launchChromium, openPage } from './browser.mjs';

const SHOTS = fileURLToPath(new URL('../e2e-screenshots/', import.meta.url));
const step = message => console.log(`[e2e:identity] ${message}`);
const USERS = {
  bob: { ref: 'user:default/bob', groups: 'group:default/guests' },
  alice: { ref: 'user:default/alice', groups: 'group:default/team-recsys' },
};

const cleanups = [];
let failed = false;
try {
  const token = `backstage-${randomBytes(12).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'drillbook-identity-e2e-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'controller.yaml');
  writeFileSync(
    config,
    `dataDir: ${join(dir, 'data')}
services:
  - id: recsys-reference
    title: Reference recommender
    owner: team-recsys-platform
    entityRef: component:default/recsys-reference
    gateway: { url: "http://127.0.0.1:9", adminToken: stand-in }
    replicas: [{ id: r0, zone: zone-a, url: "http://127.0.0.1:9" }]
tokens:
  - { name: backstage, sha256: ${createHash('sha256').update(token).digest('hex')}, role: admin, onBehalfOf: true }
grants:
  - { group: "group:default/team-recsys", role: operator, services: [recsys-reference] }
`,
  );
  step('starting the drill controller (stand-in service) ...');
  const controller = await startController({ config, tokens: {} });
  cleanups.push(() => controller.stop());
  const server = await startDevServer({
    controllerUrl: controller.url,
    token,
    onBehalfOf: req => {
      const name = /(?:^|;\s*)drillbook-dev-user=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
      const user = name && USERS[name];
      return user ? { 'x-drillbook-on-behalf-of': user.ref, 'x-drillbook-on-behalf-of-groups': user.groups } : undefined;
    },
  });
  cleanups.push(() => server.close());
  step(`dev app: ${server.url}`);
  mkdirSync(SHOTS, { recursive: true });
  const browser = await launchChromium();
  cleanups.push(() => browser.close());

  for (const name of ['bob', 'alice']) {
    const errors = [];
    const page = await openPage(browser, { onPageError: e => errors.push(e) });
    await page.context().addCookies([{ name: 'drillbook-dev-user', value: name, url: server.url }]);
    step(`entity page as ${name}`);
    const launch = page.getByRole('button', { name: /Launch drill|Plan a drill/ });
    await gotoSignedIn(page, `${server.url}/catalog/default/component/recsys-reference`, launch);
    const me = await page.evaluate(async () => (await fetch('/api/proxy/drillbook/api/v1/me')).json());
    if (me.subject !== `${name} via backstage`) throw new Error(`the controller sees ${JSON.stringify(me)}, expected ${name} via backstage`);
    const refusal = page.getByTestId('launch-refusal');
    if (name === 'bob') {
      await refusal.waitFor({ timeout: 60_000 });
      const text = await refusal.innerText();
      if (!/may not launch drills on component:default\/recsys-reference \(Backstage permission drillbook\.drill\.launch\)/.test(text)) throw new Error(`bob's refusal says: ${text}`);
      if ((await launch.innerText()).toLowerCase() !== 'plan a drill (dry run only)') throw new Error(`bob's button reads "${await launch.innerText()}"`);
      step(`bob sees: ${text}`);
    } else {
      await page.getByRole('table', { name: 'drill history' }).or(page.getByText('No drills yet')).first().waitFor({ timeout: 60_000 }).catch(() => undefined);
      if (await refusal.isVisible()) throw new Error(`alice is refused: ${await refusal.innerText()}`);
      if (await launch.isDisabled()) throw new Error('"Launch drill" is disabled for alice');
    }
    // Backstage scrolls inside its layout, so a full-page shot stops at the viewport: make it tall enough for the drills card.
    await page.setViewportSize({ width: 1400, height: 1450 });
    await page.getByText('Game-day drills').scrollIntoViewIfNeeded();
    const shot = name === 'bob' ? 'viewer-bob' : 'operator-alice';
    await page.screenshot({ path: `${SHOTS}identity-${shot}.png` });
    if (errors.length) throw new Error(`page errors as ${name}: ${errors.map(e => e.message).join('; ')}`);
    await page.context().close();
  }
  step(`screenshots in ${SHOTS}`);
} catch (error) {
  failed = true;
  console.error(`[e2e:identity] FAILED: ${error.stack ?? error}`);
} finally {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
}
process.exit(failed ? 1 : 0);
