/**
 * The model store steps (issue 23) before anything runs: a runbook that uses them wrongly gets a
 * located error, and the dry-run plan says what each would do, on which replicas, and what undoes it.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidRunbook } from '../errors.js';
import { parseRunbook } from '../runbook/validate.js';
import { buildPlan, formatPlan, NO_EXPIRY } from '../runbook/plan.js';

const REPO = join(import.meta.dirname, '../../../..');
const read = (name: string) => readFileSync(join(REPO, 'runbooks', `${name}.yaml`), 'utf8');

function problems(text: string) {
  try {
    parseRunbook(text, 'rb.yaml');
  } catch (e) {
    if (e instanceof InvalidRunbook) return e.problems;
    throw e;
  }
  return [];
}

describe('model store steps in a runbook', () => {
  const scaleOut = read('model-store-down-scale-out');
  const diskLoss = read('model-store-disk-loss');

  it.each([
    ['a store step on a stack without a model store', scaleOut.replace('stack:\n  modelStore: {}\n', ''), 'steps[0].kind', /a store.stop step needs a model store: set stack.modelStore/],
    ['a store step against a service given by URL', diskLoss.replace('  service: recsys-reference\n', '  service: recsys-reference\n  url: http://127.0.0.1:8080\n'), 'steps[1].kind', /a store.wipe step acts on the embedded stack's model store: remove target.url/],
    ['a cache warmed from a zone instead of one replica', scaleOut.replace('warmFrom: "replica:r0"', 'warmFrom: "zone:zone-a"'), 'steps[1].warmFrom', /expected one replica \("replica:<id>"\)/],
    ['an object of a version that does not exist', read('model-store-corrupt-artifact').replace('object: model }', 'object: weights }'), 'steps[1].object', /expected one of "model", "features", "manifest"/],
    ['a restore from a place that is not the backup', diskLoss.replace('from: backup,', 'from: elsewhere,'), 'steps[3].from', /expected one of "backup"/],
    ['a rollout policy that does not exist', read('model-store-down-deploy').replace('onFailure: rollback }', 'onFailure: pray }'), 'steps[2].onFailure', /expected one of "rollback", "halt"/],
    ['a rollout of every replica beyond the blast radius', read('model-store-down-deploy').replace('maxReplicas: 3', 'maxReplicas: 1'), 'steps[2].target', /targets 3 replicas, more than guardrails.blastRadius.maxReplicas \(1\)/],
  ])('rejects %s with a located error', (_name, text, path, message) => {
    const ps = problems(text);
    const p = ps.find((x) => x.path === path && message.test(x.message));
    expect(p, `got: ${ps.map((x) => `${x.line}:${x.column} ${x.path}: ${x.message}`).join(' | ')}`).toBeTruthy();
    expect(p!.line).toBeGreaterThan(1);
  });

  it('plans a scale-out onto the replica it will add, and says the rollback removes it', () => {
    const plan = buildPlan(parseRunbook(scaleOut, 'rb.yaml'), { quick: true, engine: 'builtin' });
    const probe = plan.actions.find((a) => a.name === 'r3 ready')!;
    expect(probe.targets).toEqual(['r3']);
    const text = formatPlan(plan);
    expect(text).toMatch(/scale out by one replica: scale out by one replica, its model cache copied from replica:r0/);
    expect(text).toContain(`${NO_EXPIRY} removed by the rollback`);
    expect(text).toMatch(/model store down: stop the model store server .*\n.*started again by store.start or the rollback/);
  });

  it('plans the disk loss, the restore from the backup and the RPO probe in order', () => {
    const plan = buildPlan(parseRunbook(diskLoss, 'rb.yaml'), { quick: true, engine: 'builtin' });
    expect(plan.actions.map((a) => a.kind)).toEqual(['model.publish', 'store.wipe', 'model.rollout', 'store.restore', 'probe.store', 'probe.metrics']);
    expect(plan.actions.find((a) => a.kind === 'model.rollout')!.targets).toEqual(['r0', 'r1', 'r2']);
    expect(formatPlan(plan)).toMatch(/re-publish every version of the backup location into the model store/);
  });
});
