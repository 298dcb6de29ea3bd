/**
 * Model store steps (issue 23): the store's outage, corruption and disk loss, its restore from the
 * backup location, a probe that every registered version is still fetchable and verifies, a rolling
 * deploy that stops (and rolls back) when a replica cannot take the version, and a scale-out by one
 * replica. Each change is journaled as a fault before or as it is made, with the evidence seen at the
 * target, so the rollback (undo.ts) puts the store back running and intact and removes the replica.
 */
import { MODEL_STORE_STEP_KINDS, type ModelStoreStep, type Step } from '@drillbook/contracts';
import { StepFailed } from '../errors.js';
import { durationMs } from '../runbook/duration.js';
import { sleep, type DrillContext } from './context.js';
import { addEvidence, readiness, recordFault, replicasOf, resolve } from './steps.js';
import type { ModelStoreControl, ReplicaRef } from './target.js';

export function isModelStoreStep(step: Step): step is ModelStoreStep {
  return (MODEL_STORE_STEP_KINDS as readonly string[]).includes(step.kind);
}

const STORE = 'model-store';

function storeOf(ctx: DrillContext, step: Step): ModelStoreControl {
  if (!ctx.target.modelStore) throw new StepFailed(step.name, 'this target has no model store the drill controls (run against the embedded stack with stack.modelStore)');
  return ctx.target.modelStore;
}

/** Mark this drill's open faults of `type` as cleared by a step (or the rollback). */
function clearJournaled(ctx: DrillContext, type: string): void {
  for (const f of ctx.journal.journal.faults) if (f.type === type && !f.clearedAt) ctx.journal.update(() => Object.assign(f, { clearedAt: new Date().toISOString(), clearedBy: ctx.inRollback ? 'rollback' : 'step' }));
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export async function executeModelStoreStep(step: ModelStoreStep, ctx: DrillContext): Promise<unknown> {
  switch (step.kind) {
    case 'store.stop': {
      const store = storeOf(ctx, step);
      // Journaled before the act: a drill that dies right after still starts the store again.
      recordFault(ctx, { id: `store.down:${step.name}`, step: step.name, replica: STORE, type: 'store.down', ttlMs: null });
      await store.stop();
      const v = await store.verify();
      addEvidence(ctx, `fault:${step.name}`, `model store server stopped; a replica's view of it now: ${v.lost[0]?.why ?? 'still answering'}`);
      return { up: store.up() };
    }
    case 'store.start': {
      const store = storeOf(ctx, step);
      await store.start();
      clearJournaled(ctx, 'store.down');
      return { up: store.up() };
    }
    case 'store.corrupt': {
      const store = storeOf(ctx, step);
      const object = step.object ?? 'model';
      recordFault(ctx, { id: `store.corrupt:${step.version}:${object}`, step: step.name, replica: STORE, type: 'store.corrupt', ttlMs: null });
      const r = await store.corrupt(step.version, object);
      const v = await store.verify();
      const seen = v.lost.find((x) => x.version === step.version);
      addEvidence(ctx, `fault:${step.name}`, `model store object ${r.key} (${object} of ${step.version}, ${r.bytes} bytes) altered; verification of ${step.version} over HTTP now: ${seen ? seen.why : 'passes (not corrupted?)'}`);
      return { ...r, object, version: step.version };
    }
    case 'store.wipe': {
      const store = storeOf(ctx, step);
      recordFault(ctx, { id: `store.wipe:${step.name}`, step: step.name, replica: STORE, type: 'store.wipe', ttlMs: null });
      const r = store.wipe();
      const v = await store.verify();
      addEvidence(ctx, `fault:${step.name}`, `model store disk lost: ${r.files} objects deleted; the index lists ${v.indexed.length} version(s), ${v.lost.length} of ${v.registered.length} registered version(s) not fetchable`);
      return { deleted: r.files, indexed: v.indexed.length };
    }
    case 'store.restore': {
      const store = storeOf(ctx, step);
      let r;
      try {
        r = await store.restore(step.from ?? 'backup');
      } catch (e) {
        throw new StepFailed(step.name, `restore from the ${step.from ?? 'backup'} location failed: ${(e as Error).message}`, { cause: e });
      }
      clearJournaled(ctx, 'store.wipe');
      return r;
    }
    case 'probe.store': {
      const v = await storeOf(ctx, step).verify();
      if (v.lost.length) throw new StepFailed(step.name, `${v.lost.length} of ${v.registered.length} registered version(s) lost from the model store: ${v.lost.map((x) => `${x.version} (${x.why})`).join('; ')}`);
      return v;
    }
    case 'model.rollout':
      return rollout(step, ctx);
    case 'replica.add': {
      if (!ctx.target.scale) throw new StepFailed(step.name, 'this target offers no scale-out (run against the embedded stack)');
      const warm = step.warmFrom ? replicasOf(resolve(ctx, step.warmFrom, step), step)[0].id : undefined;
      const within = step.within ? durationMs(step.within) : 20_000;
      const r = await ctx.target.scale.add({ zone: step.zone, warmFrom: warm, readyWithinMs: within });
      recordFault(ctx, { id: `replica.add:${r.replica.id}`, step: step.name, replica: r.replica.id, type: 'replica.add', ttlMs: null });
      addEvidence(ctx, `fault:${step.name}`, `${r.replica.id}@${r.replica.zone} started ${r.warmedFrom ? `with a copy of ${r.warmedFrom}'s model cache` : 'with an empty model cache'}: ${r.ready ? 'ready and added to the gateway' : `not ready within ${within / 1000}s (${JSON.stringify(r.readiness)?.slice(0, 200)})`}`);
      // Not ready is the finding, not a broken step: the runbook's probes score it.
      return { replica: r.replica.id, zone: r.replica.zone, ready: r.ready, warmedFrom: r.warmedFrom };
    }
  }
}

async function rollout(step: Extract<ModelStoreStep, { kind: 'model.rollout' }>, ctx: DrillContext): Promise<unknown> {
  const replicas = replicasOf(resolve(ctx, step.target, step), step);
  const within = step.within ? durationMs(step.within) : 10_000;
  const moved: Array<{ replica: ReplicaRef; from: string }> = [];
  const steps: Array<{ replica: string; from: string | null; result: 'deployed' | 'refused'; servingAfter: string | null; error?: string }> = [];
  let halted: { replica: string; error: string } | null = null;
  for (const r of replicas) {
    const from = (await readiness(ctx, r.url))?.model?.version ?? null;
    try {
      const state = await withTimeout(ctx.target.api.deployModel(r, step.version), within, `deploy ${step.version} on ${r.id}`);
      if (state.serving?.version !== step.version) throw new Error(`serves ${state.serving?.version ?? 'nothing'} after the deploy`);
      if (from && from !== step.version) moved.push({ replica: r, from });
      steps.push({ replica: r.id, from, result: 'deployed', servingAfter: step.version });
      await sleep(0, ctx.signal);
    } catch (e) {
      const error = (e as Error).message;
      const after = (await readiness(ctx, r.url))?.model?.version ?? null;
      steps.push({ replica: r.id, from, result: 'refused', servingAfter: after, error });
      addEvidence(ctx, `step:${step.name}`, `${r.id} did not take ${step.version} (${error.slice(0, 200)}); it serves ${after ?? 'nothing'}`);
      halted = { replica: r.id, error };
      break;
    }
  }
  const rolledBack: Array<{ replica: string; version: string | null }> = [];
  if (halted && (step.onFailure ?? 'rollback') === 'rollback') {
    for (const m of moved.reverse()) {
      const state = await ctx.target.api.deployModel(m.replica, m.from).catch((e: Error) => ({ serving: null, error: e.message }));
      rolledBack.push({ replica: m.replica.id, version: state.serving?.version ?? null });
    }
  }
  return { version: step.version, completed: !halted, halted, replicas: steps, rolledBack, policy: step.onFailure ?? 'rollback' };
}
