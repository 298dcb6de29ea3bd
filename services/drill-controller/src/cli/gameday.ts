/**
 * `drillbook gameday`: run every runbook of the suite, one after the other, each against a fresh
 * embedded stack, and write a suite report (one row per drill: status, score, time to recover,
 * error budget burned, quality impact). Exits 0 only if every drill passed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Scorecard } from '@drillbook/contracts';
import { formatProblem, InvalidRunbook } from '../errors.js';
import { loadRunbook, runbookFiles, type LoadedRunbook } from '../runbook/validate.js';
import { startEmbeddedPrometheus } from '../engine/embeddedPrometheus.js';
import { startEmbeddedTarget, type DrillTarget } from '../engine/target.js';
import { Drill } from '../engine/executor.js';
import { progressObserver } from './progress.js';
import { renderSuite, type Suite, type SuiteEntry } from '../report/suite.js';
import { formatRepeat, summarizeRepeats, writeRepeat } from './repeat.js';

export async function gameday(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      runbooks: { type: 'string', default: 'runbooks' },
      load: { type: 'string', default: 'auto' },
      only: { type: 'string' },
      repeat: { type: 'string', default: '1' },
      prometheus: { type: 'string' },
    },
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) {
    process.stderr.write(`drillbook gameday: --repeat must be a whole number from 1 to 100, got "${values.repeat}"\n`);
    return 2;
  }
  const dir = positionals[0] ?? values.runbooks!;
  const outDir = resolve(values.out ?? join('.drillbook', 'gameday', new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)));
  const files = runbookFiles([dir]).filter((f) => !values.only || values.only.split(',').some((n) => f.includes(n)));
  if (!files.length) {
    process.stderr.write(`drillbook gameday: no runbooks in ${dir}\n`);
    return 2;
  }
  // Validate the whole suite before running anything.
  const loaded: LoadedRunbook[] = [];
  const problems = [];
  for (const f of files) {
    try {
      loaded.push(loadRunbook(f));
    } catch (e) {
      if (e instanceof InvalidRunbook) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) {
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    return 2;
  }
  mkdirSync(outDir, { recursive: true });
  process.stdout.write(`game day: ${loaded.length} drills${values.quick ? ' (quick profile)' : ''} -> ${outDir}\n`);
  const entries: SuiteEntry[] = [];
  const started = Date.now();
  let aborted = false;
  let current: Drill | null = null;
  const onSignal = () => {
    aborted = true;
    current?.abort('signal', 'game day interrupted (SIGINT)');
  };
  process.on('SIGINT', onSignal);
  // Drills that need the same stack configuration share one embedded stack (each drill's rollback
  // restores it) and run one after the other; a drill with other settings (more replicas, mutations)
  // gets its own. A stack is stopped after the last drill that needs it, so only one runs at a time:
  // idle stacks (their health checks and background shoppers) would otherwise take CPU from the drill.
  const stackKey = (l: LoadedRunbook) => JSON.stringify(l.runbook.stack ?? {});
  const order = [...new Set(loaded.map(stackKey))];
  loaded.sort((a, b) => order.indexOf(stackKey(a)) - order.indexOf(stackKey(b)));
  const stacks = new Map<string, DrillTarget>();
  const targetFor = async (l: LoadedRunbook) => {
    const key = stackKey(l);
    let t = stacks.get(key);
    if (!t) {
      // Prometheus is started per drill below (fresh windows: a previous drill's alerts do not linger).
      t = await startEmbeddedTarget({ service: l.runbook.target.service, spec: l.runbook.stack, prometheus: false, onLog: (m) => process.stdout.write(`    [stack] ${m}\n`) });
      stacks.set(key, t);
    }
    return t;
  };
  const releaseAfter = async (i: number) => {
    const key = stackKey(loaded[i]);
    if (loaded[i + 1] && stackKey(loaded[i + 1]) === key) return;
    await stacks.get(key)?.close();
    stacks.delete(key);
  };
  for (const [i, l] of loaded.entries()) {
    if (aborted) break;
    const name = l.runbook.metadata.name;
    process.stdout.write(`\n[${i + 1}/${loaded.length}] ${name}: ${l.runbook.metadata.title}\n`);
    const t0 = Date.now();
    const runs: Array<{ dir: string; scorecard: Scorecard }> = [];
    for (let k = 1; k <= repeat && !aborted; k++) {
      const rel = repeat === 1 ? name : join(name, `run-${k}`);
      if (repeat > 1) process.stdout.write(`  run ${k} of ${repeat}\n`);
      const target = await targetFor(l);
      const prom = await drillPrometheus(target, values.prometheus);
      const drill = new Drill(l, {
        outDir: join(outDir, rel),
        quick: values.quick,
        loadEngine: values.load as 'auto',
        autoAck: true,
        target,
        ...(prom.url ? { prometheusUrl: prom.url } : {}),
        observers: [progressObserver(process.stdout, { plainEveryS: 10 })],
      });
      current = drill;
      const r = await drill.run().finally(() => prom.stop());
      runs.push({ dir: rel, scorecard: r.scorecard });
      if (repeat > 1) process.stdout.write(`    run ${k}: ${r.scorecard.status.toUpperCase()} score ${r.scorecard.score} — ${r.scorecard.statusReason}\n`);
    }
    const summary = repeat > 1 ? summarizeRepeats(name, runs) : null;
    if (summary) {
      writeRepeat(join(outDir, name), summary);
      process.stdout.write(formatRepeat(summary).replace(/^/gm, '    '));
    }
    // The suite row shows the majority's first run (the only run without --repeat).
    const shown = runs.find((x) => x.scorecard.status === (summary?.majority ?? x.scorecard.status)) ?? runs[0];
    const sc: Scorecard = shown.scorecard;
    entries.push({
      runbook: name,
      title: l.runbook.metadata.title,
      status: sc.status,
      score: sc.score,
      time_to_recover_s: sc.timeToRecoverS,
      time_to_detect_s: sc.timeToDetectS,
      detected_by: sc.detectedBy,
      ...(sc.detection ? { time_to_detect_projected: sc.detection.projected, undetected_impact: sc.detection.undetectedImpact, alert_noise: sc.detection.noise, ...(sc.detection.source === 'prometheus' ? { alerts: sc.detection.timeline } : {}) } : {}),
      error_budget_consumed: sc.errorBudget.consumed,
      ndcg_ratio: sc.quality.ndcgRatio,
      status_reason: sc.statusReason,
      duration_s: Math.round((Date.now() - t0) / 100) / 10,
      report: join(shown.dir, 'report.html'),
      scorecard: join(shown.dir, 'scorecard.json'),
      ...(summary ? { repeat: { runs: summary.runs.length, statuses: summary.statuses, verdictAgreement: summary.verdictAgreement, flips: summary.flips, file: join(name, 'repeat.json') } } : {}),
    });
    process.stdout.write(`    ${sc.status.toUpperCase()} score ${sc.score} — ${sc.statusReason}\n`);
    await releaseAfter(i);
  }
  process.off('SIGINT', onSignal);
  await Promise.all([...stacks.values()].map((t) => t.close()));
  const suite: Suite = {
    schemaVersion: 1,
    startedAt: new Date(started).toISOString(),
    durationS: Math.round((Date.now() - started) / 100) / 10,
    quick: values.quick,
    passed: entries.filter((e) => e.status === 'passed').length,
    total: loaded.length,
    drills: entries,
    flipping: entries.filter((e) => e.repeat?.flips).map((e) => e.runbook),
  };
  writeFileSync(join(outDir, 'suite.json'), JSON.stringify(suite, null, 2) + '\n');
  writeFileSync(join(outDir, 'suite.html'), renderSuite(suite));
  process.stdout.write(`\ngame day: ${suite.passed}/${suite.total} drills passed in ${suite.durationS}s${suite.flipping.length ? `; verdict flips between runs: ${suite.flipping.join(', ')}` : ''}\n  suite  ${join(outDir, 'suite.json')}\n  report ${join(outDir, 'suite.html')}\n`);
  return suite.passed === suite.total && entries.length === loaded.length ? 0 : 1;
}

/**
 * Prometheus for one drill of the suite: a team's own (--prometheus), or a fresh one for the embedded
 * stack when installed, so that one drill's alerts (5m and 1h burn-rate windows) do not linger into the
 * next drill's baseline. Without one the suite says so and detection uses the metric signals.
 */
async function drillPrometheus(target: DrillTarget, given: string | undefined): Promise<{ url?: string; stop: () => Promise<void> }> {
  if (given) return { url: given, stop: async () => {} };
  if (!target.embedded) return { stop: async () => {} };
  try {
    const { prometheus, note } = await startEmbeddedPrometheus({ endpoints: { gateway: target.gatewayUrl, replicas: target.replicas() } });
    process.stdout.write(`    [prometheus] ${note}\n`);
    return { url: prometheus?.url, stop: async () => void (await prometheus?.stop()) };
  } catch (e) {
    process.stdout.write(`    [prometheus] did not start (${(e as Error).message}): detection falls back to the runbook's metric signals\n`);
    return { stop: async () => {} };
  }
}
