/**
 * Puts a real k6 on PATH for the tests when none is there: the k6 v0.48 binary the development and
 * CI machines keep in `../shared/bin/k6` beside the checkout (or `/work/shared/bin/k6`, or the file
 * `DRILLBOOK_K6` names). The binary is copied
 * to a temporary folder and made executable there (its run bit may be missing where it is kept).
 * Where no k6 exists at all, nothing changes and the real-k6 tests skip, saying why.
 * Used as a vitest setup file; run directly (`tsx scripts/testing/k6OnPath.ts`) it says which k6 the tests use.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findOnPath } from '../../services/drill-controller/src/load/k6/which.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The k6 binary kept beside the repository, if any. */
export function sharedK6(): string | null {
  for (const c of [process.env.DRILLBOOK_K6, resolve(REPO, '../shared/bin/k6'), '/work/shared/bin/k6']) {
    if (c && existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

/** Returns the k6 on PATH afterwards (null: none anywhere). */
export function ensureK6OnPath(env: NodeJS.ProcessEnv = process.env): string | null {
  const onPath = findOnPath('k6', env.PATH ?? '');
  if (onPath) return onPath;
  const src = sharedK6();
  if (!src) return null;
  const st = statSync(src);
  const dir = join(tmpdir(), `drillbook-k6-${st.size}-${Math.floor(st.mtimeMs)}`);
  const bin = join(dir, 'k6');
  if (!existsSync(bin) || statSync(bin).size !== st.size) {
    mkdirSync(dir, { recursive: true });
    const part = `${bin}.${process.pid}.part`;
    copyFileSync(src, part);
    chmodSync(part, 0o755);
    // rename is atomic: parallel test workers never run a half-copied binary
    renameSync(part, bin);
  }
  env.PATH = `${dir}${delimiter}${env.PATH ?? ''}`;
  return bin;
}

const k6 = ensureK6OnPath();
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(k6 ? `[k6] the tests use ${k6}: ${execFileSync(k6, ['version'], { encoding: 'utf8' }).trim()}` : '[k6] no k6 on PATH or in ../shared/bin: the real-k6 tests skip');
}
