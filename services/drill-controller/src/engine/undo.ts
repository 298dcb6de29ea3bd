/**
 * Undo what a drill did, from its journal alone: clear every fault it injected that is still
 * active, resume paused replicas, restart replicas left down, cancel a canary it started. Used by the
 * rollback phase, and by a controller that restarts after dying mid-drill (the journal is all it has).
 * Every fault is cleared through its provider (providers/): the replicas' admin API, the fault proxy
 * (whose count of affected requests is journaled as the fault's evidence), host processes (a
 * SIGSTOPped pid gets SIGCONT) and Kubernetes / Chaos Mesh.
 *
 * A fault is journaled once its provider answered, so a controller that dies between the replica
 * accepting a fault and the journal write leaves a fault no journal names. Every replica fault
 * carries the note `drill <id> step "<name>"`; after the journal's own faults, undo lists each
 * reachable replica's active faults and clears the ones tagged with this drill, journaling them.
 */
import type { DrillJournal, InjectedFault } from '@drillbook/contracts';
import type { StackAction } from '@drillbook/stack';
import type { ReplicaRef, TargetApi } from './targetApi.js';
import type { ModelStoreControl, ScaleControl } from './target.js';
import { clearJournaledFault, KubernetesUndoProvider, ReplicaProvider } from '../providers/index.js';

export interface UndoTarget {
  replicas: Array<{ id: string; url: string }>;
  /** With `listFaults`, undo also sweeps the replicas for faults tagged with this drill that its journal never recorded. */
  api: Pick<TargetApi, 'clearFault' | 'cancelCanary'> & Partial<Pick<TargetApi, 'listFaults'>>;
  process?: { act(replica: string, action: StackAction): Promise<void>; phase(replica: string): string };
  /** Undo of model store faults: start it, put corrupted objects back, re-publish a wiped store from the target's registry. */
  modelStore?: Pick<ModelStoreControl, 'start' | 'restoreObjects' | 'restore'>;
  /** Undo of a scale-out: the added replica is removed. */
  scale?: Pick<ScaleControl, 'remove'>;
}

export interface UndoResult {
  cleared: string[];
  restarted: string[];
  /** Faults whose replica could not be reached: they die with the process or expire by TTL. */
  unreachable: string[];
}

/**
 * A target with nothing but the journal, for `undoDrill(..., { providersOnly: true })` when the target
 * cannot be rebuilt: proxy and host-process faults carry what undo needs and are still cleared (a
 * SIGSTOPped process never resumes by itself); the others are left to their TTL.
 */
export function journalOnlyTarget(): UndoTarget {
  return {
    replicas: [],
    api: {
      clearFault: async () => {
        throw new Error('target unavailable');
      },
      cancelCanary: async () => false,
    },
  };
}

export async function undoDrill(journal: DrillJournal, target: UndoTarget, by: 'rollback' | 'abort', update: (f: InjectedFault, patch: Partial<InjectedFault>) => void, opts: { providersOnly?: boolean } = {}): Promise<UndoResult> {
  const out: UndoResult = { cleared: [], restarted: [], unreachable: [] };
  const removed = new Set<string>();
  const byId = new Map(target.replicas.map((r) => [r.id, r]));
  const now = () => new Date().toISOString();
  for (const f of journal.faults) {
    if (f.clearedAt) continue;
    // providersOnly: the target is gone; only faults that carry their provider are undone, the others are left to their TTL.
    if (opts.providersOnly && f.provider?.kind !== 'proxy' && f.provider?.kind !== 'process') continue;
    const r = byId.get(f.replica);
    const expired = f.ttlMs !== null && Date.parse(f.injectedAt) + f.ttlMs <= Date.now();
    if (f.provider?.kind === 'proxy' || f.provider?.kind === 'process') {
      try {
        const r = (await clearJournaledFault(f))!;
        // The proxy's count of the requests the fault acted on is its proof (journaled before the update persists it).
        for (const e of r.evidence) journal.faultEvidence.push({ at: now(), signal: r.provider === 'proxy' ? ((r.applied ?? 0) > 0 ? `fault:${f.step}` : `clear:${f.step}`) : `undo:${f.step}`, detail: e });
        const how = r.cleared ? by : f.provider.kind === 'process' ? (f.type === 'process.pause' ? by : 'restart') : expired ? 'ttl' : by;
        update(f, { clearedAt: now(), clearedBy: how });
        if (r.cleared) out.cleared.push(`${f.type}@${f.replica}`);
      } catch {
        update(f, { clearedAt: now(), clearedBy: f.ttlMs !== null ? 'ttl' : 'restart' });
        out.unreachable.push(`${f.type}@${f.replica}`);
      }
    } else if (f.type === 'kubernetes' || f.type === 'chaos-mesh') {
      const done = await new KubernetesUndoProvider(journal.drillId, () => journal.faults)
        .clear(f.id)
        .then((x) => x.cleared)
        .catch(() => false);
      update(f, { clearedAt: now(), clearedBy: done ? by : expired ? 'ttl' : by });
      (done ? out.cleared : out.unreachable).push(`${f.type}@${f.replica}`);
    } else if (f.ttlMs !== null && r) {
      try {
        const was = (await new ReplicaProvider(target.api, r).clear(f.id)).cleared;
        update(f, { clearedAt: now(), clearedBy: was ? by : expired ? 'ttl' : by });
        if (was) out.cleared.push(`${f.type}@${f.replica}`);
      } catch {
        update(f, { clearedAt: now(), clearedBy: expired ? 'ttl' : 'restart' });
        out.unreachable.push(`${f.type}@${f.replica}`);
      }
    } else if (f.type === 'process.pause' && target.process) {
      await target.process.act(f.replica, 'resume').catch(() => {});
      update(f, { clearedAt: now(), clearedBy: by });
      out.cleared.push(`pause@${f.replica}`);
    } else if (f.type === 'store.down' || f.type === 'store.corrupt' || f.type === 'store.wipe' || f.type === 'replica.add') {
      // Model store faults and a scale-out: undone through the target, so the store is left running
      // and intact (a wiped store is re-published from the target's own registry, not the backup).
      const ok = await undoStoreFault(f, target).then(
        () => true,
        () => false,
      );
      update(f, { clearedAt: now(), clearedBy: by });
      (ok ? out.cleared : out.unreachable).push(`${f.type}@${f.replica}`);
      if (ok && f.type === 'replica.add') removed.add(f.replica);
    } else if (f.type === 'process.kill' || f.type === 'registry.wipe') {
      update(f, { clearedAt: now(), clearedBy: 'restart' });
    } else {
      update(f, { clearedAt: now(), clearedBy: by });
    }
  }
  if (!opts.providersOnly && target.api.listFaults) await sweepUnjournaled(journal, target, by, update, out);
  if (target.process) {
    for (const r of target.replicas) {
      if (removed.has(r.id)) continue;
      let phase: string;
      try {
        phase = target.process.phase(r.id);
      } catch {
        continue; // no longer in the topology
      }
      if (phase === 'stopped') {
        await target.process.act(r.id, 'restart').catch(() => {});
        out.restarted.push(r.id);
      }
    }
  }
  try {
    await target.api.cancelCanary();
  } catch {
    /* gateway unreachable or without canary support */
  }
  return out;
}

async function undoStoreFault(f: InjectedFault, target: UndoTarget): Promise<void> {
  if (f.type === 'replica.add') {
    if (!target.scale) throw new Error('no scale control');
    return target.scale.remove(f.replica);
  }
  if (!target.modelStore) throw new Error('no model store control');
  if (f.type === 'store.down') return target.modelStore.start();
  if (f.type === 'store.corrupt') return void (await target.modelStore.restoreObjects());
  await target.modelStore.restore('registry');
}

/** Clears replica faults tagged with this drill (their note) that are still active, journaling any the journal lacked. */
async function sweepUnjournaled(journal: DrillJournal, target: UndoTarget, by: 'rollback' | 'abort', update: (f: InjectedFault, patch: Partial<InjectedFault>) => void, out: UndoResult): Promise<void> {
  const tag = `drill ${journal.drillId} step "`;
  for (const r of target.replicas) {
    let active;
    try {
      active = await target.api.listFaults!(r as ReplicaRef);
    } catch {
      continue; // unreachable: already reported, or the replica is gone with its faults
    }
    for (const a of active) {
      if (!a.note?.startsWith(tag)) continue;
      let cleared: boolean;
      try {
        cleared = (await target.api.clearFault(r, a.id)).includes(a.id);
      } catch {
        out.unreachable.push(`${a.type}@${r.id}`);
        continue;
      }
      if (!cleared) continue;
      let f = journal.faults.find((x) => x.id === a.id && x.replica === r.id);
      if (!f) {
        f = { id: a.id, step: a.note.slice(tag.length).replace(/"$/, ''), replica: r.id, type: a.type, injectedAt: a.injectedAt, ttlMs: a.ttlMs, provider: { kind: 'replica' } };
        journal.faults.push(f);
      }
      update(f, { clearedAt: new Date().toISOString(), clearedBy: by });
      out.cleared.push(`${a.type}@${r.id}`);
    }
  }
}
