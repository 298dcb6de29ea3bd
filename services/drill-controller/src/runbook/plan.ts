/**
 * The drill plan: what would be injected where, when and for how long, the load, guardrails and
 * objectives. `--dry-run` prints it and touches nothing; the controller returns it before a launch.
 */
import type { KubernetesStep, DrillPlan, LoadPhaseName, PlannedAction, ProxyFaultSpec, Runbook, Step } from '@drillbook/contracts';
import { LOAD_PHASES } from '@drillbook/contracts';
import { durationMs, formatDuration } from './duration.js';
import { checkBlastRadius, resolveSelector } from '../engine/selectors.js';
import type { ReplicaRef } from '../engine/target.js';
import type { LoadPhasePlan } from '../load/index.js';
import { admitLoad } from '../load/admission.js';
import { describeKubernetesStep, isKubernetesStep, planKubernetesStep } from '../providers/kubernetes/runbookSteps.js';
import { distributedLoadPlan } from '../providers/kubernetes/loadPlan.js';
import { stringify } from 'yaml';

/** Replicas of the embedded stack a runbook would start (ids and zones are deterministic). */
export function predictedReplicas(rb: Runbook): ReplicaRef[] {
  const n = rb.stack?.replicas ?? 3;
  const zones = rb.stack?.zones ?? ['zone-a', 'zone-b'];
  // A scale-out step adds the next replica (r<n>, r<n+1>, ...): later steps may address it.
  const added = rb.steps.filter((s) => s.kind === 'replica.add');
  return [
    ...Array.from({ length: n }, (_, i) => ({ id: `r${i}`, zone: zones[i % zones.length], url: '' })),
    ...added.map((s, k) => ({ id: `r${n + k}`, zone: (s.kind === 'replica.add' && s.zone) || zones[(n + k) % zones.length], url: '' })),
  ];
}

export function loadPhases(rb: Runbook, quick: boolean): LoadPhasePlan[] {
  return LOAD_PHASES.map((phase) => {
    const d = (quick && rb.load.quick?.phases?.[phase]) || rb.load.phases[phase];
    // Per-phase rates keep their proportion to the base rate under --quick.
    const factor = quick && rb.load.quick?.rate ? rb.load.quick.rate / rb.load.rate : 1;
    const rate = (rb.load.phaseRates?.[phase] ?? rb.load.rate) * factor;
    return { phase, durationS: durationMs(d) / 1000, rate, mix: rb.load.mix?.[phase] ?? 'training' };
  });
}

/** How the plan marks a fault that cannot expire by itself. */
export const NO_EXPIRY = '[CANNOT EXPIRE by itself]';

/** The runner's process faults cannot expire either: `formatPlan` marks them on a line of their own. */
const RUNNER_NO_EXPIRY: Partial<Record<string, string>> = {
  'process.kill': 'the supervisor restarts the process',
  'process.pause': 'SIGCONT by process.resume or the rollback',
  'store.stop': 'started again by store.start or the rollback',
  'store.corrupt': 'the original bytes are put back by the rollback',
  'store.wipe': 'restored by store.restore, else re-published from the stack registry by the rollback',
  'replica.add': 'removed by the rollback',
};

const HOST_ACTION = { kill: 'SIGKILL', terminate: 'SIGTERM', pause: 'SIGSTOP', resume: 'SIGCONT', restart: 'restart' } as const;

function describeProxyFault(f: ProxyFaultSpec): string {
  const m = f.match;
  const where = m ? [m.methods?.join('|'), m.pathPrefix && `path ${m.pathPrefix}*`, m.pathGlob && `path ${m.pathGlob}`, m.headers && `headers ${JSON.stringify(m.headers)}`].filter(Boolean).join(' ') : '';
  const on = `${m?.percentage !== undefined && m.percentage < 100 ? `${m.percentage}% of ` : ''}${where ? `${where} ` : ''}requests`;
  switch (f.type) {
    case 'latency': {
      const d = f.delay;
      const v = d.distribution === 'fixed' ? `${d.ms}ms` : d.distribution === 'uniform' ? `${d.minMs}-${d.maxMs}ms` : d.distribution === 'normal' ? `~${d.meanMs}ms (sd ${d.stddevMs})` : d.distribution === 'lognormal' ? `median ${d.medianMs}ms (sigma ${d.sigma})` : `mean ${d.meanMs}ms (exponential)`;
      return `add ${v} latency to ${on}`;
    }
    case 'error':
      return `answer HTTP ${f.status ?? 503} to ${on}`;
    case 'reset':
      return `reset the connection of ${on}`;
    case 'hang':
      return `hang ${on}`;
    case 'bandwidth':
      return `limit answers of ${on} to ${f.bytesPerSecond} B/s`;
    case 'corrupt':
      return `${f.mode === 'empty' ? 'empty' : 'shuffle'} the ranked items of ${on}`;
  }
}

function describeStep(s: Step): string {
  switch (s.kind) {
    case 'fault.inject': {
      const f = s.fault;
      const detail =
        f.type === 'latency' || f.type === 'dependency-latency'
          ? `+${f.latencyMs}ms${f.jitterMs ? ` (±${f.jitterMs}ms ${f.distribution ?? 'uniform'})` : ''}`
          : f.type === 'error'
            ? `HTTP ${f.status ?? 503}`
            : f.type === 'accelerator-saturation'
              ? `${f.threads ?? 1} busy thread(s)`
              : '';
      return `inject ${f.type}${detail ? ` ${detail}` : ''}${f.rate !== undefined && f.rate < 1 ? ` on ${f.rate * 100}% of requests` : ''}, expires by itself after ${s.ttl}`;
    }
    case 'fault.clear':
      return `clear ${s.type ?? 'every'} fault this drill injected`;
    case 'wait':
      return `wait ${s.duration}`;
    case 'probe.http':
      return `expect HTTP ${s.expectStatus ?? 200} from ${s.url ?? s.path}${s.within ? ` within ${s.within}` : ''}`;
    case 'probe.promql':
      return `expect ${s.query} ${s.expect.op} ${s.expect.value}${s.within ? ` within ${s.within}` : ''}`;
    case 'probe.metrics':
      return `expect ${s.mode === 'increase' ? 'increase of ' : ''}${s.metric} ${s.expect.op} ${s.expect.value}${s.within ? ` within ${s.within}` : ''}`;
    case 'model.deploy':
      return s.canaryWeight ? `deploy ${s.version} as a canary taking ${s.canaryWeight * 100}% of traffic` : `deploy ${s.version}`;
    case 'model.rollback':
      return 'roll back to the previous model version';
    case 'model.publish':
      return `publish ${s.version}${s.from ? ` from ${s.from}` : ''} (${s.mutation === 'none' ? 'unchanged' : `damaged: ${s.mutation}`}, signed)`;
    case 'process.kill':
      return 'SIGKILL the process (the supervisor restarts it)';
    case 'process.pause':
      return 'SIGSTOP the process';
    case 'process.resume':
      return 'SIGCONT the process';
    case 'process.restart':
      return 'restart the process';
    case 'registry.wipe':
      return 'delete the local model registry and restart the replica (must restore from backup)';
    case 'human.ack':
      return `ask a human: "${s.prompt}"`;
    case 'store.stop':
      return 'stop the model store server (open downloads are cut)';
    case 'store.start':
      return 'start the model store server again';
    case 'store.corrupt':
      return `alter the ${s.object ?? 'model'} ${s.object === 'manifest' ? 'manifest' : 'blob'} of ${s.version} in the model store (same size, other bytes): replicas must refuse it`;
    case 'store.wipe':
      return 'delete every object of the model store (disk loss)';
    case 'store.restore':
      return `re-publish every version of the ${s.from ?? 'backup'} location into the model store`;
    case 'probe.store':
      return 'expect every registered version in the store index, fetchable, signed and matching its sha256';
    case 'model.rollout':
      return `rolling deploy of ${s.version}, one replica at a time (each within ${s.within ?? '10s'}); on a refusal ${s.onFailure === 'halt' ? 'stop' : 'stop and roll the moved replicas back'}`;
    case 'replica.add':
      return `scale out by one replica${s.zone ? ` in ${s.zone}` : ''}${s.warmFrom ? `, its model cache copied from ${s.warmFrom}` : ', cold cache'}; joins the gateway once ready (within ${s.within ?? '20s'})`;
    case 'proxy.fault':
      return `fault proxy: ${describeProxyFault(s.fault)}, expires by itself after ${s.ttl}`;
    case 'proxy.clear':
      return `clear ${s.type ?? 'every'} fault this drill injected at the fault proxy (and read how many requests each acted on)`;
    case 'host.process':
      return `${HOST_ACTION[s.action]} process "${s.process}" (allow-listed)${s.action === 'kill' || s.action === 'terminate' || s.action === 'pause' ? ` ${NO_EXPIRY}${s.action === 'pause' ? ' (SIGCONT by a resume step or the rollback)' : ' (its supervisor or a restart brings it back)'}` : ''}`;
    default:
      return describeKubernetesStep(s as KubernetesStep);
  }
}

function targetsOf(s: Step, replicas: ReplicaRef[], seed: string, rb: Runbook, rollback = false): string[] {
  // Kubernetes steps select pods by label in the cluster; the plan shows their objects instead.
  if (isKubernetesStep(s)) return [];
  if (s.kind === 'host.process') return [`process:${s.process}`];
  if (s.kind === 'proxy.fault' || s.kind === 'proxy.clear') return ['fault proxy'];
  const sel = 'target' in s && typeof s.target === 'string' ? s.target : null;
  if (!sel) return [];
  const r = resolveSelector(sel, replicas, `${seed}/${s.name}`);
  if (!rollback && !s.kind.startsWith('probe.')) checkBlastRadius(r, rb.guardrails);
  return r.kind === 'gateway' ? ['gateway'] : r.replicas.map((x) => x.id);
}

export function buildPlan(rb: Runbook, opts: { quick: boolean; engine: 'builtin' | 'k6'; replicas?: ReplicaRef[]; seed?: string }): DrillPlan {
  const phases = loadPhases(rb, opts.quick);
  admitLoad(phases, opts.engine); // an engine never gets a plan it cannot schedule (LoadPlanRefused)
  const replicas = opts.replicas ?? predictedReplicas(rb);
  const seed = opts.seed ?? 'plan';
  const startOf = (p: LoadPhaseName) => phases.slice(0, phases.findIndex((x) => x.phase === p)).reduce((a, x) => a + x.durationS, 0);
  const actions: PlannedAction[] = [];
  const add = (steps: Step[], phase: PlannedAction['phase'], at: (s: Step) => number) =>
    steps.forEach((s) => {
      actions.push({
        atS: at(s),
        phase,
        loadPhase: phase === 'method' ? (s.phase ?? 'fault') : undefined,
        kind: s.kind,
        name: s.name,
        description: describeStep(s),
        targets: targetsOf(s, replicas, seed, rb),
        ...(s.kind === 'fault.inject' || s.kind === 'proxy.fault' ? { ttlS: durationMs(s.ttl) / 1000 } : {}),
        ...(isKubernetesStep(s) ? { objects: planKubernetesStep(rb, s), ...('ttl' in s ? { ttlS: durationMs(s.ttl) / 1000 } : {}) } : {}),
      });
    });
  add(rb.steadyState?.before ?? [], 'steady-state-before', () => 0);
  for (const lp of ['fault', 'recovery'] as const) {
    let t = startOf(lp);
    add(
      rb.steps.filter((s) => (s.phase ?? 'fault') === lp),
      'method',
      (s) => {
        const at = t;
        if (s.kind === 'wait') t += durationMs(s.duration) / 1000;
        return at;
      },
    );
  }
  const total = phases.reduce((a, p) => a + p.durationS, 0);
  add(rb.steadyState?.after ?? [], 'steady-state-after', () => total);
  const rollback: PlannedAction[] = [];
  rb.rollback.forEach((s) =>
    rollback.push({
      atS: total,
      phase: 'rollback',
      kind: s.kind,
      name: s.name,
      description: describeStep(s),
      targets: targetsOf(s, replicas, seed, rb, true),
      ...(isKubernetesStep(s) ? { objects: planKubernetesStep(rb, s) } : {}),
    }),
  );
  rollback.push({ atS: total, phase: 'rollback', kind: 'auto', name: 'undo what the drill did', description: 'clear every fault this drill injected that has not expired (replicas, fault proxy, Kubernetes), resume paused replicas and SIGSTOPped processes, restart replicas still down, start a stopped model store, put corrupted store objects back, re-publish a wiped store, remove added replicas', targets: [] });
  const g = rb.guardrails;
  return {
    runbook: rb.metadata.name,
    title: rb.metadata.title,
    service: rb.target.service,
    hypothesis: rb.hypothesis,
    load: {
      engine: opts.engine,
      profile: rb.load.profile,
      phases: phases.map((p) => ({ phase: p.phase, durationS: p.durationS, rate: p.rate })),
      totalRequests: Math.round(phases.reduce((a, p) => a + p.durationS * p.rate, 0)),
      ...(rb.load.distributed ? { distributed: distributedLoadPlan(rb, opts.quick) } : {}),
    },
    actions,
    rollback,
    guardrails: [
      `max duration ${g.maxDuration}`,
      `blast radius: at most ${g.blastRadius.maxReplicas} replica(s), ${g.blastRadius.maxZones ?? 1} zone(s) per step`,
      ...(g.abortWhen ?? []).map((c) => `abort when ${c.sli} ${c.op} ${c.threshold} for ${c.for} (${c.name})`),
      ...(g.minErrorBudget !== undefined ? [`refuse to start with less than ${g.minErrorBudget * 100}% error budget left`] : []),
    ],
    objectives: rb.objectives.map((o) => ({ name: o.name, sli: o.sli, op: o.op, target: o.target, weight: o.weight ?? 1 })),
    maxDurationS: durationMs(g.maxDuration) / 1000,
  };
}

/** The exact objects of a Kubernetes step, as YAML documents indented under the action. */
function objectLines(objects: unknown[] | undefined): string[] {
  if (!objects?.length) return [];
  return objects.flatMap((o) => ['      ---', ...stringify(o, { lineWidth: 0 }).trimEnd().split('\n').map((l) => `      ${l}`)]);
}

export function formatPlan(p: DrillPlan): string {
  const lines = [
    `DRY RUN — nothing will be touched`,
    `drill     ${p.runbook}: ${p.title}`,
    `service   ${p.service}`,
    `hypothesis ${p.hypothesis}`,
    `load      ${p.load.engine} engine, ${p.load.profile} profile: ${p.load.phases.map((x) => `${x.phase} ${formatDuration(x.durationS * 1000)} @ ${x.rate}/s`).join(', ')} (${p.load.totalRequests} requests)`,
    ...(p.load.distributed ? [`          distributed: the k6 scenario on the k6 operator with ${p.load.distributed.parallelism} runners (not the ${p.load.engine} engine); objects it would create:`, ...objectLines(p.load.distributed.objects)] : []),
    `actions`,
    ...p.actions.flatMap((a) => [
      `  t+${String(a.atS).padStart(4)}s  ${a.phase.padEnd(19)} ${a.name}: ${a.description}${a.targets.length ? ` -> ${a.targets.join(', ')}` : ''}`,
      ...(RUNNER_NO_EXPIRY[a.kind] ? [`          ${NO_EXPIRY} ${RUNNER_NO_EXPIRY[a.kind]}`] : []),
      ...objectLines(a.objects),
    ]),
    `rollback (always runs)`,
    ...p.rollback.flatMap((a) => [`  ${a.name}: ${a.description}${a.targets.length ? ` -> ${a.targets.join(', ')}` : ''}`, ...objectLines(a.objects)]),
    `guardrails`,
    ...p.guardrails.map((g) => `  ${g}`),
    `objectives`,
    ...p.objectives.map((o) => `  ${o.name}: ${o.sli} ${o.op} ${o.target} (weight ${o.weight})`),
  ];
  return lines.join('\n');
}
