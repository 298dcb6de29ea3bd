/**
 * Phase `rollback`, always run once a target exists (after an abort too): the runbook's rollback
 * steps, then the automatic undo of everything the journal says the drill did (faults cleared,
 * paused replicas resumed, stopped ones restarted, a canary it started cancelled).
 */
import { activity, type DrillContext } from '../context.js';
import { executeStep } from '../steps.js';
import { undoTargetOf } from '../target.js';
import { undoDrill } from '../undo.js';
import type { DrillPhaseModule } from './env.js';

export const rollbackPhase: DrillPhaseModule = {
  name: 'rollback',
  async run(env) {
    const { ctx } = env;
    const rb = env.loaded.runbook;
    // Rollback steps run even after an abort: give them a signal of their own.
    const rctx: DrillContext = Object.create(ctx, { signal: { value: new AbortController().signal }, inRollback: { value: true } });
    for (const [i, s] of rb.rollback.entries()) await activity(rctx, { id: `rollback.${i}`, name: s.name, kind: s.kind, phase: 'rollback' }, () => executeStep(s, rctx));
    await activity(rctx, { id: 'rollback.auto', name: 'undo what the drill did', kind: 'phase', phase: 'rollback' }, async () => {
      const target = env.target()!;
      return undoDrill(ctx.journal.journal, undoTargetOf(target), env.aborted ? 'abort' : 'rollback', (f, patch) => ctx.journal.update(() => Object.assign(f, patch)));
    });
  },
};
