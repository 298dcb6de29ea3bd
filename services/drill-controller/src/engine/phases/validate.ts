/** Phases `load` and `validate`: record the runbook, build the plan (blast radius, load admission). */
import { chooseEngine } from '../../load/index.js';
import { buildPlan } from '../../runbook/plan.js';
import type { DrillPhaseModule } from './env.js';

export const loadPhase: DrillPhaseModule = {
  name: 'load',
  async run({ act, loaded }) {
    await act('load', 'load runbook', 'phase', 'load', async () => ({ file: loaded.file, sha256: loaded.sha256, name: loaded.runbook.metadata.name }));
  },
};

export const validatePhase: DrillPhaseModule = {
  name: 'validate',
  async run({ act, loaded, opts, ctx, abort }) {
    const rb = loaded.runbook;
    const r = await act('validate', 'validate runbook and blast radius', 'phase', 'validate', async () => {
      const plan = buildPlan(rb, { quick: !!opts.quick, engine: chooseEngine(opts.loadEngine ?? 'auto', rb.load.scenario).engine, seed: ctx.drillId });
      return { actions: plan.actions.length, loadRequests: plan.load.totalRequests };
    });
    if (r.status !== 'succeeded') abort('preflight', `validation failed: ${r.error}`);
  },
};
