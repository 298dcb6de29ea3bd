/** The benchmark model: built once per size into .drillbook/bench/models and reused. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ModelRegistry } from '../../services/inference/src/registry/registry.js';
import { loadOrCreateSigningKeys } from '../../services/inference/src/registry/crypto.js';
import { REPO } from '../lib/procs.js';

export function benchModel(items: number, users: number, say: (s: string) => void): { root: string; version: string; sessionsFile: string } {
  const root = join(REPO, '.drillbook', 'bench', 'models');
  const version = `bench-${items % 1000 === 0 ? `${items / 1000}k` : items}`;
  const keys = loadOrCreateSigningKeys(join(root, '.keys'));
  const reg = new ModelRegistry({ root, publicKey: keys.publicKey });
  if (!reg.list().includes(version)) {
    say(`building the ${items}-item model (once; cached in ${root}) ...`);
    execFileSync(process.execPath, ['--import', 'tsx', 'services/inference/src/cli/model-build.ts', '--items', String(items), '--users', String(users), '--registry', root, '--version', version], {
      cwd: REPO,
      stdio: 'inherit',
    });
  }
  return { root, version, sessionsFile: join(root, 'load-sessions.json') };
}
