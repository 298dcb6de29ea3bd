import { describe, expect, it } from 'vitest';
import type { ActiveFault, DrillJournal, InjectedFault } from '@drillbook/contracts';
import { undoDrill, type UndoTarget } from './undo.js';

/** Two replicas with an in-memory fault table, tagged the way the engine tags its injections. */
function replicas(faults: Array<ActiveFault & { replica: string }>): UndoTarget & { cleared: string[] } {
  const cleared: string[] = [];
  return {
    cleared,
    replicas: [
      { id: 'r0', url: 'http://r0' },
      { id: 'r1', url: 'http://r1' },
    ],
    api: {
      async listFaults(r) {
        if (r.id === 'r1') throw new Error('connection refused');
        return faults.filter((f) => f.replica === r.id);
      },
      async clearFault(r, id) {
        const i = faults.findIndex((f) => f.id === id && f.replica === r.id);
        if (i < 0) return [];
        faults.splice(i, 1);
        cleared.push(`${id}@${r.id}`);
        return [id];
      },
      async cancelCanary() {
        return false;
      },
    },
  };
}

const fault = (id: string, replica: string, note: string | undefined): ActiveFault & { replica: string } => ({
  id,
  replica,
  type: 'latency',
  ttlMs: 600_000,
  rate: 1,
  note,
  injectedAt: '2026-12-06T09:00:00.000Z',
  expiresAt: '2026-12-06T09:10:00.000Z',
  remainingMs: 500_000,
});

function journal(faults: InjectedFault[] = []): DrillJournal {
  return {
    schemaVersion: 1,
    drillId: 'drl_abc',
    runbook: { name: 'long-latency', title: 'Long latency', sha256: 'x' },
    service: 'recsys-reference',
    target: { url: 'http://gw', embedded: true, replicas: [] },
    status: 'running',
    dryRun: false,
    startedAt: '2026-12-06T09:00:00.000Z',
    modelVersion: null,
    activities: [],
    faults,
    faultEvidence: [],
  } as DrillJournal;
}

describe('undo of a drill whose controller died between injecting a fault and journaling it', () => {
  it('clears the replica faults tagged with this drill that the journal never recorded, and journals them', async () => {
    const target = replicas([fault('f1', 'r0', 'drill drl_abc step "add latency"'), fault('f2', 'r0', 'drill drl_other step "add latency"'), fault('f3', 'r0', undefined)]);
    const j = journal();
    const r = await undoDrill(j, target, 'abort', (f, patch) => Object.assign(f, patch));
    expect(target.cleared).toEqual(['f1@r0']); // not another drill's fault, not an untagged one
    expect(r.cleared).toEqual(['latency@r0']);
    expect(j.faults).toEqual([expect.objectContaining({ id: 'f1', step: 'add latency', replica: 'r0', type: 'latency', ttlMs: 600_000, clearedBy: 'abort', clearedAt: expect.any(String) })]);
  });

  it('clears a journaled fault once: the sweep finds nothing left of it', async () => {
    const target = replicas([fault('f1', 'r0', 'drill drl_abc step "add latency"')]);
    const j = journal([{ id: 'f1', step: 'add latency', replica: 'r0', type: 'latency', injectedAt: '2026-12-06T09:00:00.000Z', ttlMs: 600_000, provider: { kind: 'replica' } }]);
    const r = await undoDrill(j, target, 'rollback', (f, patch) => Object.assign(f, patch));
    expect(target.cleared).toEqual(['f1@r0']);
    expect(r.cleared).toEqual(['latency@r0']);
    expect(j.faults).toHaveLength(1);
    expect(j.faults[0]).toMatchObject({ clearedBy: 'rollback' });
  });

  it('does not sweep when only the journal is left (providersOnly)', async () => {
    const target = replicas([fault('f1', 'r0', 'drill drl_abc step "add latency"')]);
    await undoDrill(journal(), target, 'abort', (f, patch) => Object.assign(f, patch), { providersOnly: true });
    expect(target.cleared).toEqual([]);
  });
});

describe('undo of the model store drills', () => {
  it('starts a stopped store, puts corrupted objects back, re-publishes a wiped store from the registry and removes an added replica', async () => {
    const calls: string[] = [];
    const target: UndoTarget = {
      ...replicas([]),
      replicas: [
        { id: 'r0', url: 'http://r0' },
        { id: 'r3', url: 'http://r3' },
      ],
      modelStore: {
        start: async () => void calls.push('start'),
        restoreObjects: async () => (calls.push('restoreObjects'), ['blobs/sha256/x']),
        restore: async (from) => (calls.push(`restore:${from}`), { from, versions: ['v1'] }),
      },
      scale: { remove: async (id) => void calls.push(`remove:${id}`) },
      process: {
        act: async (r, a) => void calls.push(`${a}:${r}`),
        phase: (r) => {
          if (r === 'r3') throw new Error('no replica r3');
          return 'running';
        },
      },
    };
    const at = '2026-12-06T09:00:00.000Z';
    const journal = {
      drillId: 'd1',
      faults: [
        { id: 'store.down:a', step: 'a', replica: 'model-store', type: 'store.down', injectedAt: at, ttlMs: null },
        { id: 'store.corrupt:v1:model', step: 'b', replica: 'model-store', type: 'store.corrupt', injectedAt: at, ttlMs: null },
        { id: 'store.wipe:c', step: 'c', replica: 'model-store', type: 'store.wipe', injectedAt: at, ttlMs: null },
        { id: 'replica.add:r3', step: 'd', replica: 'r3', type: 'replica.add', injectedAt: at, ttlMs: null },
        { id: 'store.down:e', step: 'e', replica: 'model-store', type: 'store.down', injectedAt: at, ttlMs: null, clearedAt: at, clearedBy: 'step' },
      ] as InjectedFault[],
      faultEvidence: [],
    } as unknown as DrillJournal;
    const r = await undoDrill(journal, target, 'abort', (f, patch) => Object.assign(f, patch));
    expect(calls).toEqual(['start', 'restoreObjects', 'restore:registry', 'remove:r3']);
    expect(r.cleared).toEqual(['store.down@model-store', 'store.corrupt@model-store', 'store.wipe@model-store', 'replica.add@r3']);
    expect(journal.faults.every((f) => f.clearedAt)).toBe(true);
    expect(journal.faults.slice(0, 4).map((f) => f.clearedBy)).toEqual(['abort', 'abort', 'abort', 'abort']);
  });

  it('reports a store fault it could not undo (no model store control) instead of claiming it cleared', async () => {
    const journal = { drillId: 'd2', faults: [{ id: 'store.down:a', step: 'a', replica: 'model-store', type: 'store.down', injectedAt: '2026-12-06T09:00:00.000Z', ttlMs: null }], faultEvidence: [] } as unknown as DrillJournal;
    const r = await undoDrill(journal, replicas([]), 'rollback', (f, patch) => Object.assign(f, patch));
    expect(r.unreachable).toEqual(['store.down@model-store']);
    expect(r.cleared).toEqual([]);
  });
});

