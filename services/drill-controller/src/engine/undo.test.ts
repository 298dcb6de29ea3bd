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
