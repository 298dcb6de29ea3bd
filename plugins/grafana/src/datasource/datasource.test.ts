import { describe, expect, it } from 'vitest';
import type { DrillSummary } from '@drillbook/contracts';
import { dateTime, type DataQueryRequest, type DataSourceInstanceSettings, type Field, type ScopedVars } from '@grafana/data';
import { createFakeController, type FakeControllerOptions } from '../__fixtures__/fakeController';
import { createDrillbookClient } from '../drillbookApi';
import { readScorecardFrames } from '../frames/readScorecardFrames';
import { DrillbookDataSource } from './datasource';
import { HISTORY_FRAME, type DrillbookQuery } from './types';

const settings = { id: 1, uid: 'drillbook', name: 'Drillbook', type: 'drillbook-controller-datasource', jsonData: {}, meta: {} } as unknown as DataSourceInstanceSettings;

function setup(options: FakeControllerOptions = {}, vars: Record<string, string> = {}) {
  const fake = createFakeController(options);
  const ds = new DrillbookDataSource(settings, {
    api: createDrillbookClient({ fetch: fake.fetch, sleep: async () => undefined }),
    replace: (value: string, scoped?: ScopedVars) =>
      value.replace(/\$(\w+)/g, (_, name) => String(scoped?.[name]?.value ?? vars[name] ?? `$${name}`)),
  });
  return { fake, ds };
}

const request = (targets: Array<Partial<DrillbookQuery>>, range = { from: '2025-11-01T00:00:00Z', to: '2025-11-30T00:00:00Z' }) =>
  ({
    targets: targets.map((t, i) => ({ refId: String.fromCharCode(65 + i), kind: 'latest-scorecard', ...t })),
    range: { from: dateTime(range.from), to: dateTime(range.to), raw: { from: range.from, to: range.to } },
    scopedVars: {},
  }) as unknown as DataQueryRequest<DrillbookQuery>;

describe('DrillbookDataSource', () => {
  it('returns the latest scorecard of a service and runbook as the frames the scorecard panel reads', async () => {
    const { ds, fake } = setup({}, { service: 'recsys-reference', runbook: 'replica-crash' });
    const res = await ds.query(request([{ service: '$service', runbook: '$runbook' }]));
    const read = readScorecardFrames(res.data);
    expect(read.ok && read.value).toMatchObject({ score: 95, status: 'passed', runbook: 'replica-crash' });
    expect(read.ok && read.value.reportHref).toBe('/api/plugin-proxy/drillbook-gameday-app/api/drills/drl_20251120_140000_a1b2/report');
    expect(res.data.every((f) => f.refId === 'A')).toBe(true);
    expect(fake.calls[0].path).toBe('/services/recsys-reference/scorecards?limit=50');
  });

  it('takes the newest scorecard of any runbook when no runbook is given', async () => {
    const { ds } = setup();
    const read = readScorecardFrames((await ds.query(request([{ service: 'recsys-reference' }]))).data);
    expect(read.ok && read.value).toMatchObject({ status: 'failed', runbook: 'zone-outage' });
  });

  it('returns one drill scorecard by id', async () => {
    const { ds } = setup();
    const read = readScorecardFrames((await ds.query(request([{ kind: 'drill-scorecard', drillId: 'drl_20251121_093000_c3d4' }]))).data);
    expect(read.ok && read.value).toMatchObject({ drillId: 'drl_20251121_093000_c3d4', score: 12.5 });
  });

  it('returns finished drills in the time range, oldest first, as a history frame', async () => {
    const { ds } = setup();
    const [frame] = (await ds.query(request([{ kind: 'history', service: 'recsys-reference' }], { from: '2025-11-20T00:00:00Z', to: '2025-11-30T00:00:00Z' }))).data;
    expect(frame.name).toBe(HISTORY_FRAME);
    expect(frame.fields.find((f: Field) => f.name === 'drillId')!.values).toEqual(['drl_20251120_140000_a1b2', 'drl_20251121_093000_c3d4']);
    expect(frame.fields.find((f: Field) => f.name === 'score')!.values).toEqual([95, 12.5]);
  });

  it('counts an inconclusive drill as finished in the history frame, and leaves a running one out', async () => {
    const { ds } = setup({
      drills: (recorded) => [
        ...recorded,
        { ...recorded[0], id: 'drl_inconclusive', service: 'recsys-reference', state: 'inconclusive' as DrillSummary['state'], dryRun: false, createdAt: '2025-11-25T10:00:00Z', startedAt: '2025-11-25T10:00:00Z', endedAt: '2025-11-25T10:10:00Z' },
        { ...recorded[0], id: 'drl_running', service: 'recsys-reference', state: 'running', dryRun: false, createdAt: '2025-11-26T10:00:00Z', startedAt: '2025-11-26T10:00:00Z', endedAt: null },
      ],
    });
    const [frame] = (await ds.query(request([{ kind: 'history', service: 'recsys-reference' }], { from: '2025-11-20T00:00:00Z', to: '2025-11-30T00:00:00Z' }))).data;
    const ids = frame.fields.find((f: Field) => f.name === 'drillId')!.values;
    expect(ids).toContain('drl_inconclusive');
    expect(ids).not.toContain('drl_running');
  });

  it('names the missing field of an incomplete query', async () => {
    const { ds } = setup();
    await expect(ds.query(request([{ service: '' }]))).rejects.toThrow('query A: service is required for the latest scorecard');
    await expect(ds.query(request([{ kind: 'drill-scorecard' }]))).rejects.toThrow('query A: drillId is required for a drill scorecard');
  });

  it('tests the connection through the app routes and explains a failure', async () => {
    expect(await setup().ds.testDatasource()).toEqual({
      status: 'success',
      message: 'Connected to the drill controller through the drillbook-gameday-app routes, as grafana-app (role operator).',
    });
    const down = await setup({ unreachable: true }).ds.testDatasource();
    expect(down.status).toBe('error');
    expect(down.message).toMatch(/^The drill controller did not answer: Bad Gateway/);
  });
});
