import { describe, expect, it } from 'vitest';
import type { DrillTarget } from '../../../engine/target.js';
import { WorkerDrill, WorkerFailed } from './WorkerDrill.js';
import { httpTargetApi } from '../../../engine/targetApi.js';

const target: DrillTarget = {
  service: 'recsys-reference',
  gatewayUrl: 'http://127.0.0.1:9',
  embedded: false,
  adminToken: 'x',
  sessionsFile: '/nonexistent',
  replicas: () => [],
  api: httpTargetApi('http://127.0.0.1:9', 'x'),
  close: async () => {},
};

describe('a drill in a worker thread', () => {
  it('rejects with WorkerFailed, and what the worker said, when the worker dies before the drill ends', async () => {
    const lines: string[] = [];
    const w = new WorkerDrill(
      {
        runbook: { file: 'broken.yaml', source: 'apiVersion: drillbook.dev/v1\nkind: Runbook\n', sha256: 'x' },
        options: { drillId: 'd-broken', outDir: '/tmp/drillbook-worker-test', quick: true, loadEngine: 'builtin', slo: { name: 'availability', objective: 0.999, periodDays: 30 } },
      },
      target,
      { onEvent: () => {}, onJournal: () => {}, onAck: () => {}, log: (l) => lines.push(l) },
    );
    const err = await w.run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerFailed);
    expect((err as WorkerFailed).message).toMatch(/worker thread exited \(code 1\) before the drill ended/);
    expect((err as WorkerFailed).journal).toBeNull();
    expect(lines.join('\n')).toMatch(/missing required field "metadata"/);
  });
});
