/**
 * drillbook — game-day drills for ML recommender services.
 *
 *   drillbook validate <files or dirs>
 *   drillbook run <runbook> [--quick] [--repeat N] [--out DIR] [--dry-run] [--load builtin|k6|auto] [--yes]
 *                 [--target URL --admin-token T [--control URL] [--sessions FILE]] [--prometheus URL]
 *   drillbook gameday [--quick] [--repeat N] [--out DIR] [--prometheus URL] [runbooks dir]
 *   drillbook serve [--config FILE] [--port N]
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { formatProblem, InvalidRunbook } from '../errors.js';
import { loadRunbook, promqlObjectiveProblems, validateFiles } from '../runbook/validate.js';
import { loadConfig } from '../server/config/load.js';
import type { PromqlSli } from '../catalogue/promqlSlis.js';
import { buildPlan, formatPlan, loadPhases } from '../runbook/plan.js';
import { admitLoad } from '../load/admission.js';
import { chooseEngine } from '../load/index.js';
import { DEFAULT_SLO, Drill } from '../engine/executor.js';
import { CliWatchdog } from '../engine/watchdog/cliWatchdog.js';
import { durationMs } from '../runbook/duration.js';
import { connectTarget, type DrillTarget } from '../engine/target.js';
import { terminalSummary } from '../report/outputs.js';
import { progressObserver } from './progress.js';
import { formatRepeat, repeatExitCode, summarizeRepeats, writeRepeat } from './repeat.js';
import { mergeStackSpec, type Scorecard } from '@drillbook/contracts';
import { distributedLoadMissing } from '../providers/kubernetes/distributedLoad.js';

/** Most runs `--repeat` accepts. */
const MAX_REPEAT = 100;

const out = process.stdout;
const err = process.stderr;
const USAGE = `usage:
  drillbook validate <files or dirs>
  drillbook run <runbook.yaml> [--quick] [--repeat N] [--out DIR] [--dry-run] [--load builtin|k6|auto] [--yes] [--stack-config FILE]
                [--target URL [--admin-token TOKEN] [--control URL] [--sessions FILE]] [--prometheus URL]
                [--config FILE]   (a controller config: the service's PromQL SLIs for sli: promql objectives, and its prometheus.url)
                 (--admin-token: needed for a drillbook-protocol target or --control)
  drillbook gameday [--quick] [--repeat N] [--out DIR] [--runbooks DIR] [--prometheus URL]
  drillbook serve [--config FILE] [--port N]   (tokens also from DRILLBOOK_TOKENS=token:role[:svc+svc],...)
  drillbook proxy --upstream URL --listen HOST:PORT --admin-token TOKEN   (fault proxy; --help for options)
  drillbook sessions export [--out FILE] [--from FILE]   (load sessions as JSON Lines)
  drillbook tune --space FILE --budget-min M [--out DIR] [--no-drills]   (SLO-compliant throughput search, finalists drilled)
exit codes (run): 0 passed, 1 failed, 2 aborted / invalid / inconclusive / interrupted / usage error
  (--repeat N: 0 every run passed, 1 most runs failed, 2 otherwise; DIR/repeat.json summarises the runs)`;

async function validate(args: string[]): Promise<number> {
  if (!args.length) {
    err.write(`drillbook validate: name at least one runbook file or directory\n${USAGE}\n`);
    return 2;
  }
  const { files, problems } = validateFiles(args);
  if (!files.length) {
    err.write(`drillbook validate: no *.yaml runbooks found in ${args.join(', ')}\n`);
    return 1;
  }
  for (const p of problems) err.write(`${formatProblem(p)}\n`);
  const bad = new Set(problems.map((p) => p.file)).size;
  out.write(`${files.length - bad} of ${files.length} runbook(s) valid${bad ? `, ${bad} with ${problems.length} problem(s)` : ''}\n`);
  return problems.length ? 1 : 0;
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      load: { type: 'string', default: 'auto' },
      yes: { type: 'boolean', short: 'y', default: false },
      target: { type: 'string' },
      'admin-token': { type: 'string' },
      control: { type: 'string' },
      sessions: { type: 'string' },
      prometheus: { type: 'string' },
      'keep-stack': { type: 'boolean', default: false },
      repeat: { type: 'string', default: '1' },
      'stack-config': { type: 'string' },
      config: { type: 'string' },
    },
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
    err.write(`drillbook run: --repeat must be a whole number from 1 to ${MAX_REPEAT}, got "${values.repeat}"\n`);
    return 2;
  }
  if (positionals.length !== 1) {
    err.write(`drillbook run: name exactly one runbook\n${USAGE}\n`);
    return 2;
  }
  if (!['builtin', 'k6', 'auto'].includes(values.load!)) {
    err.write(`drillbook run: --load must be builtin, k6 or auto, got "${values.load}"\n`);
    return 2;
  }
  const loaded = loadRunbook(positionals[0]);
  const rb = loaded.runbook;
  // The service's PromQL SLIs (and its Prometheus) from a controller config: `sli: promql` objectives.
  let serviceSlis: PromqlSli[] | undefined;
  let prometheusUrl = values.prometheus;
  if (values.config) {
    const { config } = loadConfig(values.config);
    serviceSlis = config.services.find((s) => s.id === rb.target.service)?.slis;
    prometheusUrl ??= config.prometheus?.url;
    const unknown = promqlObjectiveProblems(loaded, (serviceSlis ?? []).map((s) => s.name), rb.target.service);
    if (unknown.length) {
      for (const p of unknown) err.write(`${formatProblem(p)}\n`);
      return 2;
    }
  } else if (rb.objectives.some((o) => o.sli === 'promql')) {
    err.write(`drillbook run: objectives with sli: promql are judged on the service's PromQL SLIs from a controller config: pass --config FILE (services[].slis); without it they are no-data\n`);
  }
  if (values['stack-config']) {
    if (values.target) {
      err.write('drillbook run: --stack-config sets up the embedded stack; it cannot be combined with --target\n');
      return 2;
    }
    rb.stack = mergeStackSpec(rb.stack, (await import('@drillbook/stack/stackConfig')).readStackConfig(values['stack-config']).spec);
  }
  const engine = chooseEngine(values.load as 'auto', rb.load.scenario);
  if (values['dry-run'] || rb.guardrails.dryRun) {
    out.write(formatPlan(buildPlan(rb, { quick: values.quick!, engine: engine.engine })) + '\n');
    out.write(`load engine: ${engine.engine} (${engine.reason})\n`);
    return 0;
  }
  const distributedMissing = distributedLoadMissing(rb);
  if (distributedMissing) {
    err.write(`drillbook run: ${distributedMissing}\n`);
    return 2;
  }
  if (rb.target.kubernetes && !values.target) {
    err.write(`drillbook run: ${rb.metadata.name} drills pods in namespace ${rb.target.kubernetes.namespace}: pass --target <the service's gateway URL> (and --admin-token), not the embedded stack\n`);
    return 2;
  }
  let target: DrillTarget | undefined;
  if (values.target) {
    const token = values['admin-token'] ?? process.env.DRILLBOOK_ADMIN_TOKEN ?? '';
    // A reference-protocol target (its gateway's /admin API) or a stack control URL needs the admin
    // token; a foreign service (oip-v2, json) has no admin API: its faults go through the providers.
    const foreign = rb.target.protocol !== undefined && rb.target.protocol.type !== 'drillbook';
    if (!token && (!foreign || values.control)) {
      err.write('drillbook run: --target needs --admin-token (or DRILLBOOK_ADMIN_TOKEN) for a drillbook-protocol target or --control\n');
      return 2;
    }
    target = await connectTarget({ service: rb.target.service, gatewayUrl: values.target, adminToken: token, controlUrl: values.control, sessionsFile: values.sessions, prometheusUrl, protocol: rb.target.protocol });
  }
  const outDir = resolve(values.out ?? join('.drillbook', 'drills', `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}-${rb.metadata.name}`));
  out.write(`drill ${rb.metadata.name}: ${rb.metadata.title}\n  target ${target ? target.gatewayUrl : 'embedded reference stack (started for this drill)'} · load engine ${rb.load.distributed ? `k6 operator (${rb.load.distributed.parallelism} runners in ${rb.target.kubernetes!.namespace})` : `${engine.engine} (${engine.reason})`}${values.quick ? ' · quick profile' : ''}\n  output ${outDir}\n`);
  const interactive = !!process.stdin.isTTY && !values.yes;
  // Before anything starts: a plan the chosen engine cannot schedule is refused here (exit 2).
  admitLoad(loadPhases(rb, !!values.quick), rb.load.distributed ? 'k6' : engine.engine); // distributed: k6 runners, not this machine
  // Each run gets a watchdog outside the load loop: it ends the drill and clears its faults even
  // if this thread stalls.
  let watchdog: CliWatchdog | null = null;
  const makeDrill = (dir: string) => {
    let drill: Drill | null = null;
    const dog = new CliWatchdog(
      { runbook: { file: loaded.file, source: loaded.source }, outDir: dir, quick: !!values.quick, slo: DEFAULT_SLO, maxDurationMs: durationMs(rb.guardrails.maxDuration), maxDurationLabel: rb.guardrails.maxDuration },
      (reason) => drill?.abort('max-duration', reason),
    );
    watchdog = dog;
    drill = new Drill(loaded, {
      outDir: dir,
      quick: values.quick,
      loadEngine: values.load as 'auto',
      autoAck: values.yes,
      ack: interactive
        ? async (prompt, timeoutMs) => {
            const rl = createInterface({ input: process.stdin, output: process.stdout });
            const timer = timeoutMs ? setTimeout(() => rl.close(), timeoutMs) : null;
            try {
              const a = await rl.question(`\n?? ${prompt} [y/N] `);
              return /^y(es)?$/i.test(a.trim());
            } catch {
              return false;
            } finally {
              if (timer) clearTimeout(timer);
              rl.close();
            }
          }
        : undefined,
      target,
      keepTarget: values['keep-stack'],
      prometheusUrl,
      serviceSlis,
      observers: [progressObserver(out), dog.observer],
      onTarget: (t) => dog.target(t),
      log: (l) => (process.env.DRILLBOOK_DEBUG ? err.write(`[drill] ${l}\n`) : undefined),
    });
    return drill;
  };
  const runOnce = async (d: Drill) => {
    try {
      return await d.run();
    } finally {
      await watchdog?.stop();
      watchdog = null;
    }
  };
  let signals = 0;
  let current: Drill | null = null;
  const onSignal = (sig: string) => {
    signals++;
    if (signals > 1) {
      err.write(`\n${sig} again: exiting now; injected faults expire on their own (TTL)\n`);
      process.exit(2);
    }
    err.write(`\n${sig}: aborting the drill — stopping load and clearing faults (Ctrl-C again to exit at once)\n`);
    current?.abort('signal', `${sig} received`);
    watchdog?.aborting('signal', `${sig} received`);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    if (repeat === 1) {
      current = makeDrill(outDir);
      const result = await runOnce(current);
      out.write(terminalSummary(result.scorecard, result.files, !!out.isTTY));
      return result.exitCode;
    }
    const runs: Array<{ dir: string; scorecard: Scorecard }> = [];
    for (let k = 1; k <= repeat && signals === 0; k++) {
      const dir = join(outDir, `run-${k}`);
      out.write(`\nrun ${k} of ${repeat} -> ${dir}\n`);
      current = makeDrill(dir);
      const result = await runOnce(current);
      out.write(`  run ${k}: ${result.scorecard.status.toUpperCase()} score ${result.scorecard.score} — ${result.scorecard.statusReason}\n`);
      runs.push({ dir: `run-${k}`, scorecard: result.scorecard });
    }
    const summary = summarizeRepeats(rb.metadata.name, runs);
    const file = writeRepeat(outDir, summary);
    out.write(`\n${formatRepeat(summary)}  repeat ${file}\n`);
    return signals ? 2 : repeatExitCode(summary);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function main(): Promise<number> {
  const [cmd, ...rest] = process.argv.slice(2);
  try {
    switch (cmd) {
      case 'validate':
        return await validate(rest);
      case 'run':
        return await run(rest);
      case 'gameday': {
        const { gameday } = await import('./gameday.js');
        return await gameday(rest);
      }
      case 'serve': {
        const { serve } = await import('../server/cli.js');
        return await serve(rest);
      }
      case 'sessions':
        return await (await import('./sessions.js')).sessionsCli(rest);
      case 'tune':
        return await (await import('./tune.js')).tuneCli(rest);
      case 'proxy': {
        const { proxyCli } = await import('@drillbook/proxy/cli');
        return await proxyCli(rest);
      }
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        out.write(`${USAGE}\n`);
        return cmd ? 0 : 2;
      default:
        err.write(`drillbook: unknown command "${cmd}"\n${USAGE}\n`);
        return 2;
    }
  } catch (e) {
    if (e instanceof InvalidRunbook) {
      for (const p of e.problems) err.write(`${formatProblem(p)}\n`);
      return 2;
    }
    if ((e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || (e as { code?: string }).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      err.write(`drillbook: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    err.write(`drillbook: ${(e as Error).message}\n`);
    if (process.env.DRILLBOOK_DEBUG) err.write(`${(e as Error).stack}\n`);
    return 2;
  }
}

process.exitCode = await main();
