/** Where the committed generated rule files are, for anything that loads them into a Prometheus. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const GENERATED_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'generated');

/** Absolute paths of every generated `*.rules.yaml`, sorted. */
export function generatedRuleFiles(dir: string = GENERATED_DIR): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.rules.yaml'))
    .map((f) => path.join(dir, f))
    .sort();
}
