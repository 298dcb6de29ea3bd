/**
 * Runbook support for a Kubernetes target: the example drills validate, a dry run's objects are the
 * exact, schema-valid objects (Chaos Mesh / k6-operator CRDs, Kubernetes OpenAPI), the bundled k6
 * scenario loads in real k6, and a drill's Kubernetes steps run against the API STAND-IN with the
 * fault and evidence journaled and `k8s.clear` undoing them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CrdValidator, crdFixturesPresent, isBuiltIn, validateBuiltIn } from '@drillbook/deploy';
import type { DrillJournal, KubernetesStep, Runbook } from '@drillbook/contracts';
import { findOnPath } from '../../load/k6/which.js';
import { buildPlan, formatPlan } from '../../runbook/plan.js';
import { loadRunbook, parseRunbook, validateFiles } from '../../runbook/validate.js';
import { KubeApiStandIn } from './__fixtures__/apiStandIn.js';
import { kubeApis, kubeConfigFor } from './kube.js';
import { executeKubernetesStep, setKubeApis, stepObjectName } from './runbookSteps.js';
import { httpTargetApi } from '../../engine/targetApi.js';
import { undoDrill } from '../../engine/undo.js';
import { chaosObject } from './chaosMesh.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const EXAMPLES = path.join(REPO, 'runbooks/examples/kubernetes');
const crds = crdFixturesPresent() ? new CrdValidator() : null;
const example = (name: string) => loadRunbook(path.join(EXAMPLES, name)).runbook;

describe('example drills for a Kubernetes target (runbooks/examples/kubernetes)', () => {
  it('all validate: pod kill, zone partition, CPU stress, HTTP delay, k6-operator load', () => {
    const { files, problems } = validateFiles([EXAMPLES]);
    expect(files.map((f) => path.basename(f)).sort()).toEqual(['cpu-stress.yaml', 'distributed-load.yaml', 'http-delay.yaml', 'pod-kill.yaml', 'zone-partition.yaml']);
    expect(problems).toEqual([]);
  });

  it('a dry run lists the exact objects each step and the distributed load would create, all valid against their schemas', () => {
    for (const f of ['pod-kill.yaml', 'zone-partition.yaml', 'cpu-stress.yaml', 'http-delay.yaml', 'distributed-load.yaml']) {
      const rb = example(f);
      const plan = buildPlan(rb, { quick: false, engine: 'k6' });
      const objects = [...plan.actions.flatMap((a) => a.objects ?? []), ...(plan.load.distributed?.objects ?? [])] as Array<Record<string, unknown>>;
      expect(objects.length, f).toBeGreaterThan(0);
      for (const o of objects.filter((x) => typeof x.apiVersion === 'string')) {
        if (isBuiltIn(o.apiVersion as string)) expect(() => validateBuiltIn(o), f).not.toThrow();
        else if (crds) expect(crds.problems(o), `${f} ${String(o.kind)}`).toEqual([]);
      }
      const text = formatPlan(plan);
      for (const o of objects.filter((x) => x.metadata)) expect(text, f).toContain(`name: ${(o.metadata as { name: string }).name}`);
    }
    const http = buildPlan(example('http-delay.yaml'), { quick: false, engine: 'k6' }).actions[0].objects![0] as { kind: string; spec: Record<string, unknown> };
    expect(http).toMatchObject({ kind: 'HTTPChaos', spec: { mode: 'fixed-percent', value: '50', delay: '300ms', port: 8081, path: '/v1/recommend', duration: '60s' } });
  });

  it('refuses Kubernetes steps without target.kubernetes, a partition within one zone of blast radius, and fixed without a value', () => {
    const rb = example('zone-partition.yaml');
    const yaml = (r: unknown) => JSON.stringify(r);
    const noKube = { ...rb, target: { service: rb.target.service } };
    expect(() => parseRunbook(yaml(noKube), 'x.yaml')).toThrow(/needs target\.kubernetes/);
    const oneZone = { ...rb, guardrails: { ...rb.guardrails, blastRadius: { maxReplicas: 6, maxZones: 1 } } };
    expect(() => parseRunbook(yaml(oneZone), 'x.yaml')).toThrow(/zone partition acts on two zones/);
    const fixed = { ...rb, steps: [{ kind: 'chaos.pod', name: 'kill', action: 'pod-kill', mode: 'fixed', ttl: '10s' }] };
    expect(() => parseRunbook(yaml(fixed), 'x.yaml')).toThrow(/value/);
    const scale = { ...rb, steps: [{ kind: 'k8s.scale', name: 'scale down', workload: { kind: 'Deployment', name: 'recsys-replica' }, replicas: 1, ttl: '30s' }], rollback: [] };
    expect(() => parseRunbook(yaml(scale), 'x.yaml')).toThrow(/k8s\.scale step is only undone by k8s\.clear/);
    expect(() => parseRunbook(yaml({ ...scale, rollback: [{ kind: 'k8s.clear', name: 'restore' }] }), 'x.yaml')).not.toThrow();
  });
});

describe.skipIf(!findOnPath('k6'))('the scenario the TestRun carries', () => {
  it('is one ES2017 file (imports bundled) that real k6 v0.48 loads', async () => {
    const plan = buildPlan(example('distributed-load.yaml'), { quick: true, engine: 'k6' });
    const cm = plan.load.distributed!.objects[0] as { data: Record<string, string> };
    const [file, source] = Object.entries(cm.data)[0];
    expect(source).not.toMatch(/from '\.\.\/lib/);
    const dir = mkdtempSync(path.join(tmpdir(), 'drillbook-bundle-'));
    try {
      writeFileSync(path.join(dir, file), source);
      const sessions = path.join(REPO, 'services/drill-controller/src/load/__fixtures__/sessions.json');
      const { stdout } = await promisify(execFile)(findOnPath('k6')!, ['inspect', '-e', `SESSIONS_FILE=${sessions}`, '-e', 'BASE_URL=http://127.0.0.1:9', path.join(dir, file)]);
      expect(Object.keys(JSON.parse(stdout).scenarios)).toEqual(['baseline', 'fault', 'recovery']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a drill\'s Kubernetes steps against the API stand-in', () => {
  let standIn: KubeApiStandIn;
  afterEach(async () => standIn?.stop());

  function context(rb: Runbook) {
    const journal = { faults: [], faultEvidence: [] } as unknown as DrillJournal;
    return { drillId: 'd-test', runbook: rb, signal: new AbortController().signal, journal: { journal, update: (fn: (j: DrillJournal) => void) => fn(journal) } };
  }

  it('injects the zone partition, journals the fault with AllInjected evidence, and k8s.clear deletes it', async () => {
    standIn = new KubeApiStandIn();
    await standIn.start();
    standIn.addPods('recsys', { 'app.kubernetes.io/name': 'recsys-replica' }, 4);
    setKubeApis(() => kubeApis(kubeConfigFor(standIn.url)));
    const rb = example('zone-partition.yaml');
    const ctx = context(rb);
    const out = (await executeKubernetesStep(rb.steps[0] as KubernetesStep, ctx)) as { id: string };
    expect(out.id).toBe(`chaos-mesh:recsys/${stepObjectName(rb, rb.steps[0])}`);
    expect(ctx.journal.journal.faults).toEqual([expect.objectContaining({ id: out.id, type: 'chaos-mesh', ttlMs: 90_000, step: 'partition zone-a from zone-b' })]);
    expect(ctx.journal.journal.faultEvidence[0].detail).toContain('AllInjected=True');
    // The object created is exactly the one the dry run printed.
    const planned = buildPlan(rb, { quick: false, engine: 'k6' }).actions[0].objects![0] as { metadata: { name: string }; spec: unknown };
    const created = standIn.customObjects()[0];
    expect(created.metadata.name).toBe(planned.metadata.name);
    expect(created.spec).toEqual(planned.spec);
    await executeKubernetesStep(rb.rollback[0] as KubernetesStep, { ...ctx, inRollback: true });
    expect(standIn.customObjects()).toEqual([]);
    expect(ctx.journal.journal.faults[0]).toMatchObject({ clearedBy: 'rollback' });
  });

  it('an abort (the automatic undo) deletes a chaos object the drill made, also from a restarted controller that only has the journal', async () => {
    standIn = new KubeApiStandIn();
    await standIn.start();
    standIn.addPods('recsys', { 'app.kubernetes.io/name': 'recsys-replica' }, 4);
    setKubeApis(() => kubeApis(kubeConfigFor(standIn.url)));
    const rb = example('cpu-stress.yaml');
    const ctx = context(rb);
    await executeKubernetesStep(rb.steps[0] as KubernetesStep, { ...ctx, drillId: 'd-abort' });
    expect(standIn.customObjects()).toHaveLength(1);
    const update = (f: object, patch: object) => Object.assign(f, patch);
    const target = { replicas: [], api: httpTargetApi('http://127.0.0.1:9', 't') };
    const out = await undoDrill({ ...ctx.journal.journal, drillId: 'd-abort' }, target, 'abort', update);
    expect(out.cleared).toEqual(['chaos-mesh@recsys']);
    expect(standIn.customObjects()).toEqual([]);
    expect(ctx.journal.journal.faults[0]).toMatchObject({ clearedBy: 'abort' });

    // Crash recovery: a new process, nothing in memory, the journal names the object.
    const left = chaosObject({ kind: 'PodChaos', action: 'pod-failure', namespace: 'recsys', selector: { a: 'b' }, mode: { mode: 'one' } }, 60_000, 'drillbook-left-behind');
    standIn.putCustom('chaos-mesh.org', 'v1alpha1', 'podchaos', left);
    const journal = { drillId: 'd-crashed', faults: [{ id: 'chaos-mesh:recsys/drillbook-left-behind', step: 's', replica: 'recsys', type: 'chaos-mesh', ttlMs: 60_000, injectedAt: new Date().toISOString() }] } as unknown as DrillJournal;
    const recovered = await undoDrill(journal, target, 'abort', update);
    expect(recovered.cleared).toEqual(['chaos-mesh@recsys']);
    expect(standIn.customObjects()).toEqual([]);
  });
});

describe('the drillbook CLI with the Kubernetes examples', () => {
  const cli = (...args: string[]) =>
    promisify(execFile)(process.execPath, [path.join(REPO, 'services/drill-controller/bin/drillbook.js'), ...args], { cwd: REPO, env: { ...process.env, DRILLBOOK_K6_OUTPUT_DIR: '' } }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('validate exits 0; run --dry-run prints the NetworkChaos; a real run without --target and a distributed load without DRILLBOOK_K6_OUTPUT_DIR are refused', async () => {
    const v = await cli('validate', 'runbooks/examples/kubernetes');
    expect(v).toMatchObject({ code: 0, stdout: '5 of 5 runbook(s) valid\n' });
    const dry = await cli('run', 'runbooks/examples/kubernetes/zone-partition.yaml', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('kind: NetworkChaos');
    expect(dry.stdout).toContain('topology.kubernetes.io/zone: zone-b');
    const real = await cli('run', 'runbooks/examples/kubernetes/zone-partition.yaml');
    expect(real).toMatchObject({ code: 2, stderr: expect.stringContaining('pass --target') });
    const dist = await cli('run', 'runbooks/examples/kubernetes/distributed-load.yaml', '--target', 'http://127.0.0.1:9', '--admin-token', 't');
    expect(dist).toMatchObject({ code: 2, stderr: expect.stringContaining('load.distributed needs DRILLBOOK_K6_OUTPUT_DIR') });
    expect(dist.stderr).toContain('claim "drillbook-load-out"');
    // Four CLI processes, each loading the TypeScript sources: minutes on a loaded 2-core machine.
  }, 240_000);
});
