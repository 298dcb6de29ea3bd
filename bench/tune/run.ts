/**
 * Tune benchmark (not a test): `drillbook tune` on the default space (bench/tune/space.yaml) with a
 * search budget, the two best candidates drilled (replica-loss, overload, --quick), then the
 * recommended configuration measured again on a fresh stack to show it reproduces its SLO-compliant
 * throughput (within 10% is the goal). Prints the host's load averages, since other work shares it.
 *
 *   npm run bench:tune [-- --budget-min 4.5 --space bench/tune/space.yaml --out DIR]
 *
 * Ends with one line:
 *   RESULT default_rps=<n> best_rps=<n> gain=<ratio> candidates=<n> drilled=<n> rejected_by_drill=<n>
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runDrillOnCandidate } from '../../services/drill-controller/src/tune/drills.js';
import { tuneTerminalSummary, writeTuneOutputs } from '../../services/drill-controller/src/tune/report.js';
import { loadTuneSpace } from '../../services/drill-controller/src/tune/space.js';
import { instanceMeasurer, runTune } from '../../services/drill-controller/src/tune/tune.js';

const { values } = parseArgs({
  options: {
    'budget-min': { type: 'string', default: '4.5' },
    space: { type: 'string', default: 'bench/tune/space.yaml' },
    out: { type: 'string' },
  },
});
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const t0 = Date.now();
const outDir = resolve(values.out ?? join('.drillbook', 'bench-tune', new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)));
const space = loadTuneSpace(values.space!);
process.stdout.write(`bench:tune  space ${values.space}  budget ${values['budget-min']} min  out ${outDir}\nload average at start: ${load()}\n`);
const measure = instanceMeasurer(space);
const r = await runTune({ space, budgetMin: Number(values['budget-min']), outDir, measure, drill: runDrillOnCandidate, log: (l) => process.stdout.write(`${l}\n`) });
const files = writeTuneOutputs(r, outDir, space.adapter);
process.stdout.write(tuneTerminalSummary(r, files));

// Reproduce: the recommended configuration (the default when none was proven), fresh stack, same plan.
const chosen = r.candidates.find((c) => c.key === (r.recommendedKey ?? r.defaultKey))!;
process.stdout.write(`\nrerun of the recommended configuration ${chosen.key} (load average ${load()}):\n`);
const again = await measure({ config: r.recommendedConfig, dir: join(outDir, 'rerun'), ndcgReference: r.ndcgReference, log: (l) => process.stdout.write(`${l}\n`) });
const measured = chosen.measurement.compliantRps;
const diff = measured > 0 ? (again.compliantRps - measured) / measured : null;
process.stdout.write(
  `REPRODUCE measured_rps=${measured} rerun_rps=${again.compliantRps} diff=${diff === null ? 'n/a' : (diff * 100).toFixed(1) + '%'} within_10pct=${diff !== null && Math.abs(diff) <= 0.1}\n` +
    `load average at end: ${load()}  wall ${((Date.now() - t0) / 1000).toFixed(0)} s\n`,
);
process.stdout.write(`RESULT default_rps=${r.defaultRps} best_rps=${r.bestRps} gain=${r.gain ?? 'n/a'} candidates=${r.candidates.length} drilled=${r.drilled} rejected_by_drill=${r.rejectedByDrill}\n`);
process.exit(0);
