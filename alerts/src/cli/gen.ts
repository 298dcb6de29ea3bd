/**
 * `npm run gen` (alerts part): loads alerts/slos/**, writes alerts/generated/**. Exits 1 with every
 * located problem when a spec is invalid; nothing is written then.
 * Env: DRILLBOOK_RUNBOOK_BASE_URL overrides the base of runbook_url annotations (deployments only:
 * the committed files use the repository path).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AlertsError } from '../errors.js';
import { generate } from '../generate.js';
import { STAMP_PATTERN } from '../output/yaml.js';
import { writeGeneratedFiles } from '../output/writeFiles.js';
import { loadSloSpecs } from '../spec/loadSpecs.js';

export const ALERTS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  const specs = path.join(ALERTS_ROOT, 'slos');
  const out = path.join(ALERTS_ROOT, 'generated');
  const models = await loadSloSpecs(specs);
  const files = generate(models, { runbookBase: process.env.DRILLBOOK_RUNBOOK_BASE_URL || undefined });
  const result = await writeGeneratedFiles(out, files, (c) => STAMP_PATTERN.test(c));
  const rel = (p: string) => path.relative(process.cwd(), path.join(out, p));
  for (const f of result.written) console.log(`[alerts] wrote ${rel(f)}`);
  for (const f of result.removed) console.log(`[alerts] removed ${rel(f)} (no longer generated)`);
  console.log(`[alerts] ${models.length} SLOs -> ${files.length} files (${result.written.length} changed, ${result.unchanged.length} unchanged)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof AlertsError ? `[alerts] ${err.message}` : err);
  process.exit(1);
});
