/** Where the repository root is, seen from this module (the k6 scripts live under it in `load-tests/`). */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

export function repoRoot(): string {
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
}
