/**
 * drillbook tune --space FILE --budget-min M [--out DIR] [--no-drills]
 *
 * Exit codes: 0 a configuration was recommended and proven by the drills (or --no-drills), 1 no
 * finalist passed every drill (recommended.json then holds the current default), 2 usage / invalid space.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runDrillOnCandidate } from '../tune/drills.js';
import { writeTuneOutputs, tuneTerminalSummary } from '../tune/report.js';
import { InvalidTuneSpace, loadTuneSpace } from '../tune/space.js';
import { instanceMeasurer, runTune } from '../tune/tune.js';

export const TUNE_USAGE = 'drillbook tune --space FILE --budget-min M [--out DIR] [--no-drills]';

export async function tuneCli(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      space: { type: 'string' },
      'budget-min': { type: 'string' },
      out: { type: 'string' },
      'no-drills': { type: 'boolean', default: false },
    },
  });
  if (!values.space) {
    process.stderr.write(`drillbook tune: --space FILE is required\nusage: ${TUNE_USAGE}\n`);
    return 2;
  }
  const budget = Number(values['budget-min'] ?? '10');
  if (!Number.isFinite(budget) || budget <= 0 || budget > 24 * 60) {
    process.stderr.write(`drillbook tune: --budget-min must be a number of minutes above 0 (at most 1440), got "${values['budget-min']}"\n`);
    return 2;
  }
  let space;
  try {
    space = loadTuneSpace(values.space);
  } catch (e) {
    process.stderr.write(`drillbook tune: ${(e as Error).message}\n`);
    return e instanceof InvalidTuneSpace ? 2 : 2;
  }
  const outDir = resolve(values.out ?? join('.drillbook', 'tune', new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)));
  const r = await runTune({
    space,
    budgetMin: budget,
    outDir,
    noDrills: values['no-drills'],
    measure: instanceMeasurer(space),
    drill: runDrillOnCandidate,
    log: (l) => process.stdout.write(`${l}\n`),
  });
  const files = writeTuneOutputs(r, outDir, space.adapter);
  process.stdout.write(tuneTerminalSummary(r, files));
  return r.proven || values['no-drills'] ? 0 : 1;
}
