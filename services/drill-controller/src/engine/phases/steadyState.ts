/** Phases `steady-state-before` (a failed check aborts: no method on a broken service) and `steady-state-after`. */
import { activity } from '../context.js';
import { executeStep } from '../steps.js';
import type { DrillPhaseModule } from './env.js';

export const steadyStateBefore: DrillPhaseModule = {
  name: 'steady-state-before',
  async run({ loaded, ctx, abort }) {
    for (const [i, s] of (loaded.runbook.steadyState?.before ?? []).entries()) {
      const r = await activity(ctx, { id: `steady-before.${i}`, name: s.name, kind: s.kind, phase: 'steady-state-before' }, () => executeStep(s, ctx));
      if (r.status === 'failed') {
        abort('preflight', `steady state before the method not met: ${s.name}: ${r.error}`);
        break;
      }
    }
  },
};

export const steadyStateAfter: DrillPhaseModule = {
  name: 'steady-state-after',
  async run({ loaded, ctx }) {
    for (const [i, s] of (loaded.runbook.steadyState?.after ?? []).entries()) await activity(ctx, { id: `steady-after.${i}`, name: s.name, kind: s.kind, phase: 'steady-state-after' }, () => executeStep(s, ctx));
  },
};
