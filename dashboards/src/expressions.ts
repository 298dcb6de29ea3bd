/**
 * Every PromQL expression a generated dashboard sends to Prometheus: panel targets, Prometheus
 * annotations and label_values() variables (as the `group by` query that lists the same values),
 * with Grafana's variables substituted so a real Prometheus can run them.
 */
import type { GeneratedDashboard } from './common/dashboard.js';

export interface DashboardExpression {
  dashboard: string;
  /** e.g. `panel "Error share (5xx and 429)" B`, `annotation "SLO alerts"`, `variable $service`. */
  where: string;
  kind: 'panel' | 'annotation' | 'variable';
  expr: string;
}

interface PanelLike {
  title?: string;
  targets?: Array<{ expr?: string; refId?: string }>;
  panels?: PanelLike[];
}

export function dashboardExpressions(d: GeneratedDashboard): DashboardExpression[] {
  const out: DashboardExpression[] = [];
  const title = d.title ?? d.uid ?? '';
  const visit = (p: PanelLike) => {
    for (const t of p.targets ?? []) {
      if (t.expr) out.push({ dashboard: title, where: `panel "${p.title}" ${t.refId}`, kind: 'panel', expr: t.expr });
    }
    (p.panels ?? []).forEach(visit);
  };
  ((d.panels ?? []) as PanelLike[]).forEach(visit);
  for (const a of d.annotations?.list ?? []) {
    if (a.expr) out.push({ dashboard: title, where: `annotation "${a.name}"`, kind: 'annotation', expr: a.expr });
  }
  for (const v of d.templating?.list ?? []) {
    if (v.type !== 'query') continue;
    const query = typeof v.query === 'string' ? v.query : (v.query as { query?: string } | undefined)?.query;
    const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/s.exec(query ?? '');
    if (!m) throw new Error(`variable $${v.name} of "${title}" has a query that is not label_values(series, label): ${query}`);
    out.push({ dashboard: title, where: `variable $${v.name}`, kind: 'variable', expr: `group by (${m[2]}) (${m[1]})` });
  }
  return out;
}

/** Values for Grafana's variables when the expression runs outside Grafana. */
export interface VariableValues {
  [name: string]: string;
}

export const DEFAULT_INTERVALS: VariableValues = { __rate_interval: '1m', __interval: '30s', __range: '1h' };

/** Replaces `$name` and `${name}` (longest names first); throws on any variable left unset. */
export function substituteVariables(expr: string, values: VariableValues): string {
  const all = { ...DEFAULT_INTERVALS, ...values };
  const out = expr.replace(/\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}|\$([a-zA-Z_][a-zA-Z0-9_]*)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare!;
    if (!(name in all)) throw new Error(`no value for Grafana variable $${name} in ${expr}`);
    return all[name];
  });
  return out;
}
