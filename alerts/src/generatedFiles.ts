/** Where the committed SLO specs and generated rule files are, for anything that loads them. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const GENERATED_DIR = path.join(ROOT, 'generated');
/** The committed SLO specs (one directory per service). */
export const SLOS_DIR = path.join(ROOT, 'slos');

/** Absolute paths of every generated `*.rules.yaml`, sorted. */
export function generatedRuleFiles(dir: string = GENERATED_DIR): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.rules.yaml'))
    .map((f) => path.join(dir, f))
    .sort();
}
