/**
 * `npm run gen` (deploy part): builds every Kubernetes object from deploy/src (reading the SLO specs
 * for the rules and dashboards) and writes deploy/generated/**, replacing stale generated files.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertsError, loadSloSpecs, SLOS_DIR, writeGeneratedFiles } from '@drillbook/alerts';
import { generateDeploy, STAMP_TEXT } from '../generate.js';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'generated');

async function main(): Promise<void> {
  const files = generateDeploy(await loadSloSpecs(SLOS_DIR));
  const result = await writeGeneratedFiles(OUT, files, (c) => c.includes(STAMP_TEXT));
  const rel = (p: string) => path.relative(process.cwd(), path.join(OUT, p));
  for (const f of result.written) console.log(`[deploy] wrote ${rel(f)}`);
  for (const f of result.removed) console.log(`[deploy] removed ${rel(f)} (no longer generated)`);
  console.log(`[deploy] ${files.length} files (${result.written.length} changed, ${result.unchanged.length} unchanged)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof AlertsError ? `[deploy] ${err.message}` : err);
  process.exit(1);
});
