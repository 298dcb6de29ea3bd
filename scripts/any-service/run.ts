/**
 * `npm run example:any-service`: drill a service Drillbook does not control, end to end.
 * Starts the foreign service (scripts/any-service/target.ts: replicas with their admin API off, a
 * front door, `drillbook proxy` as a sidecar, a restart loop with a pid file), runs every drill in
 * runbooks/examples/ (not kubernetes/) with `--quick` through `drillbook run --target`, stops
 * everything, and ends with one line:
 *   RESULT drills=<n> passed=<n> proven=<n>
 * (proven = drills whose fault was seen at the target: the proxy's count of affected requests, or
 * the pid gone / new pid / ready again of a killed process). Exit code 0 when every drill passed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, runDrill, startForeignService, type ForeignService } from './target.js';

const dir = join(REPO, 'runbooks', 'examples');
const files = readdirSync(dir)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort()
  .map((f) => join(dir, f));
const say = (line: string) => process.stdout.write(`${line}\n`);

let svc: ForeignService | null = null;
let passed = 0;
let proven = 0;
let code = 1;
const onSignal = async () => {
  await svc?.stop().catch(() => {});
  process.exit(130);
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
try {
  svc = await startForeignService({ log: (l) => say(`  ${l}`) });
  for (const file of files) {
    const name = file.split('/').pop()!.replace(/\.ya?ml$/, '');
    say(`drill ${name}: running (quick)`);
    const r = await runDrill(svc, file, name, join(REPO, '.drillbook', 'any-service'));
    if (r.status === 'passed') passed++;
    if (r.proven) proven++;
    say(`  ${r.status.toUpperCase()} (exit ${r.exitCode}) — ${r.statusReason}`);
    for (const o of r.objectives) say(`    ${o.status.padEnd(8)} ${o.name}: ${o.value ?? 'no data'}`);
    say(`    proof at the target: ${r.proven ? 'yes' : 'NO'}${r.evidence.length ? ` (${r.evidence.join('; ')})` : ''}`);
    say(`    outputs: ${r.outDir}`);
    if (r.status === 'no-scorecard') say(r.output.split('\n').slice(-15).map((l) => `    | ${l}`).join('\n'));
  }
  code = passed === files.length ? 0 : 1;
} catch (e) {
  say(`example:any-service: ${(e as Error).message}`);
  code = 2;
} finally {
  await svc?.stop().catch((e: Error) => say(`stop: ${e.message}`));
}
say(`RESULT drills=${files.length} passed=${passed} proven=${proven}`);
process.exit(code);
