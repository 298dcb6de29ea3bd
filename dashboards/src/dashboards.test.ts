/** What the generated dashboards promise their users, checked on the built JSON. */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALERTS, loadSloSpecs, SLOS_DIR } from '@drillbook/alerts';
import { DCGM, METRIC } from '@drillbook/contracts';
import { DRILL_ANNOTATION_TAG } from './common/annotations.js';
import { PROMETHEUS } from './common/datasource.js';
import type { GeneratedDashboard } from './common/dashboard.js';
import { dashboardExpressions, substituteVariables } from './expressions.js';
import { generateDashboards } from './generate.js';
import { knownMetricNames, metricNamesIn } from './lint/metricNames.js';

interface AnyPanel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Array<{ refId: string; expr: string; datasource?: { type?: string; uid?: string } }>;
  fieldConfig?: { defaults?: { mappings?: Array<{ options: Record<string, { text: string }> }> } };
  panels?: AnyPanel[];
}

let dashboards: GeneratedDashboard[];
beforeAll(async () => {
  dashboards = generateDashboards(await loadSloSpecs(SLOS_DIR)).map((f) => f.dashboard);
});

const panelsOf = (d: GeneratedDashboard): AnyPanel[] => ((d.panels ?? []) as AnyPanel[]).flatMap((p) => [p, ...(p.panels ?? [])]);
const byTitle = (title: string) => dashboards.find((d) => d.title === title)!;

describe('generated dashboards', () => {
  it('have distinct uids and titles, and the four views the platform needs', () => {
    expect(dashboards.map((d) => d.title)).toEqual(['Recsys SLO overview', 'Recsys accelerators', 'Drillbook drill', 'Recsys model store']);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
  });

  it('read Prometheus only through the ${datasource} variable, in every panel and target', () => {
    for (const d of dashboards) {
      expect(d.templating?.list?.some((v) => v.type === 'datasource' && v.name === 'datasource' && v.query === 'prometheus'), d.title).toBe(true);
      for (const p of panelsOf(d).filter((x) => x.type !== 'row')) {
        expect(p.datasource, `${d.title} / ${p.title}`).toEqual(PROMETHEUS);
        for (const t of p.targets ?? []) expect(t.datasource, `${d.title} / ${p.title} / ${t.refId}`).toEqual(PROMETHEUS);
      }
    }
  });

  it('give every panel a unique id, a title, a description and targets with unique refIds', () => {
    for (const d of dashboards) {
      const panels = panelsOf(d);
      expect(new Set(panels.map((p) => p.id)).size, d.title).toBe(panels.length);
      for (const p of panels.filter((x) => x.type !== 'row')) {
        expect(p.title, d.title).toBeTruthy();
        expect(p.description, `${d.title} / ${p.title}`).toBeTruthy();
        const refs = (p.targets ?? []).map((t) => t.refId);
        expect(refs.length, `${d.title} / ${p.title}`).toBeGreaterThan(0);
        expect(new Set(refs).size, `${d.title} / ${p.title}`).toBe(refs.length);
      }
    }
  });

  it('query only metrics of the contract, the DCGM exporter or the generated recording rules', () => {
    const known = knownMetricNames();
    const unknown = dashboards
      .flatMap(dashboardExpressions)
      .flatMap((e) => metricNamesIn(e.expr).filter((n) => !known.has(n)).map((n) => `${e.dashboard} ${e.where}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('read GPUs the DCGM way: utilisation, the MIG fallback, both Hostname and hostname, framebuffer', () => {
    const exprs = dashboardExpressions(byTitle('Recsys accelerators')).map((e) => e.expr).join('\n');
    for (const needle of [DCGM.gpuUtil, DCGM.grEngineActive, DCGM.fbUsed, DCGM.fbFree, '"Hostname"', '"hostname"']) expect(exprs).toContain(needle);
  });

  it('say "No GPU" per replica when nvidia-smi found none, instead of showing an empty utilisation', () => {
    const panel = panelsOf(byTitle('Recsys accelerators')).find((p) => p.targets?.some((t) => t.expr.startsWith(METRIC.acceleratorPresent)));
    expect(panel?.targets?.[0].expr).toContain('replica=~"$replica"');
    expect(panel?.fieldConfig?.defaults?.mappings?.[0].options['0'].text).toMatch(/No GPU/);
  });

  it('show the drill controller annotations (tag drillbook) and firing alerts on the drill and SLO views', () => {
    for (const title of ['Drillbook drill', 'Recsys SLO overview']) {
      const list = byTitle(title).annotations?.list ?? [];
      expect(list.some((a) => (a.target as { tags?: string[] } | undefined)?.tags?.includes(DRILL_ANNOTATION_TAG)), title).toBe(true);
      expect(list.some((a) => a.expr?.startsWith('ALERTS{alertstate="firing"')), title).toBe(true);
    }
  });

  it('show every scorecard metric the drill controller exports', () => {
    const exprs = dashboardExpressions(byTitle('Drillbook drill')).map((e) => e.expr).join('\n');
    for (const m of [METRIC.drillScore, METRIC.drillStatus, METRIC.drillTimeToDetect, METRIC.drillTimeToRecover, METRIC.drillBudgetConsumed, METRIC.drillInProgress]) {
      expect(exprs).toContain(m);
    }
  });

  it('mark the latency SLO threshold of the spec on the latency panel', () => {
    const panel = panelsOf(byTitle('Recsys SLO overview')).find((p) => p.title === 'Latency percentiles') as unknown as {
      fieldConfig: { defaults: { thresholds: { steps: Array<{ value: number | null }> } } };
    };
    expect(panel.fieldConfig.defaults.thresholds.steps.map((s) => s.value)).toEqual([null, 0.25]);
  });

  it('name no alert that does not exist', () => {
    const exprs = dashboards.flatMap(dashboardExpressions).map((e) => e.expr).join('\n');
    for (const m of exprs.matchAll(/alertname="([^"]+)"/g)) expect(Object.values(ALERTS)).toContain(m[1]);
  });
});

describe('running dashboard expressions outside Grafana', () => {
  it('substitutes variables and Grafana intervals', () => {
    expect(substituteVariables('rate(x{service="$service", slo=~"${slo}"}[$__rate_interval])', { service: 'a', slo: '.*' })).toBe(
      'rate(x{service="a", slo=~".*"}[1m])',
    );
  });

  it('refuses to run an expression with a variable it has no value for', () => {
    expect(() => substituteVariables('x{a="$missing"}', {})).toThrow(/\$missing/);
  });

  it('finds the metric names an expression reads, not its functions, labels or strings', () => {
    expect(metricNamesIn('sum by (le) (rate(a_bucket{job="x"}[5m])) / on(job) group_left b or label_replace(c, "h", "$1", "H", "(.+)") > 0.5')).toEqual([
      'a_bucket',
      'b',
      'c',
    ]);
  });
});
