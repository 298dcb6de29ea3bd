#!/usr/bin/env node
// Installs each plugin's own npm root (plugins/backstage, plugins/grafana, plugins/backstage-backend): Backstage (React 18,
// MUI v4) and Grafana cannot share one install tree. Runs from the root `postinstall`, so `npm ci`
// at the root installs everything. Skips a root whose lockfile has not changed since its last install.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

if (process.env.DRILLBOOK_SKIP_PLUGIN_INSTALL === '1') process.exit(0);
const root = new URL('..', import.meta.url).pathname;
for (const name of ['backstage', 'grafana', 'backstage-backend']) {
  const dir = join(root, 'plugins', name);
  const lock = join(dir, 'package-lock.json');
  if (!existsSync(lock)) continue;
  const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');
  const stamp = join(dir, 'node_modules', '.drillbook-lock-sha256');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash) {
    console.log(`[install-plugins] plugins/${name}: up to date`);
    continue;
  }
  console.log(`[install-plugins] plugins/${name}: npm ci (own install root)`);
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[install-plugins] npm ci failed in plugins/${name} (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
  writeFileSync(stamp, hash + '\n');
}
