/** The game-day suite report: one row per drill. */
import type { AlertTimelineEntry } from '@drillbook/contracts';

export interface SuiteEntry {
  runbook: string;
  title: string;
  status: string;
  score: number;
  time_to_recover_s: number | null;
  time_to_detect_s: number | null;
  /** What detected the fault first: an expected alert firing (or pending, projected), or a metric signal. */
  detected_by: string | null;
  /** time_to_detect_s is a projected firing time (the alert was still pending when the drill ended). */
  time_to_detect_projected?: boolean;
  /** The fault moved an SLI and no expected alert fired or would within the bound (null: not judged). */
  undetected_impact?: boolean | null;
  /** Expected alerts that fired in the baseline. */
  alert_noise?: string[];
  /** The drill's alert timeline (seconds from the fault), expected alerts first; absent without a Prometheus. */
  alerts?: AlertTimelineEntry[];
  error_budget_consumed: number | null;
  ndcg_ratio: number | null;
  status_reason: string;
  duration_s: number;
  report: string;
  scorecard: string;
  /** With `--repeat N`: how the runs' statuses split; the row shows the majority's first run. */
  repeat?: { runs: number; statuses: Record<string, number | undefined>; verdictAgreement: number; flips: boolean; file: string };
}

export interface Suite {
  schemaVersion: 1;
  startedAt: string;
  durationS: number;
  quick: boolean | undefined;
  passed: number;
  total: number;
  drills: SuiteEntry[];
  /** Drills whose status differed between repeated runs. */
  flipping: string[];
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const COLOR: Record<string, string> = { passed: '#1a7f37', failed: '#cf222e', aborted: '#9a6700', interrupted: '#9a6700', invalid: '#6e7781', inconclusive: '#9a6700' };

const secs = (v: number) => `${v >= 0 ? '+' : ''}${v} s`;

/** One line per alert: name and severity (★ = expected), when it went pending, fired (or would fire) and resolved. */
function alertLines(alerts: AlertTimelineEntry[] | undefined): string {
  if (!alerts) return '<span class="muted">not watched</span>';
  if (!alerts.length) return '<span class="muted">none</span>';
  const ordered = [...alerts].sort((a, b) => Number(b.expected) - Number(a.expected));
  return ordered
    .map((a) => {
      const when = [
        a.pendingS !== null && a.pendingS !== a.firingS ? `pending ${secs(a.pendingS)}` : null,
        a.firingS !== null ? `firing ${secs(a.firingS)}` : null,
        a.projectedFiringS !== null ? `<i>would fire ${secs(a.projectedFiringS)}</i>` : null,
        a.resolvedS !== null ? `resolved ${secs(a.resolvedS)}` : null,
      ].filter(Boolean);
      return `<div class="${a.expected ? '' : 'muted'}">${a.expected ? '★ ' : ''}${esc(a.alertname)}${a.severity ? ` <span class="muted">${esc(a.severity)}</span>` : ''}: ${when.join(', ')}</div>`;
    })
    .join('');
}

export function renderSuite(s: Suite): string {
  const rows = s.drills
    .map(
      (d) => `<tr data-testid="drill-${esc(d.runbook)}"><td><a href="${esc(d.report)}">${esc(d.title)}</a><div class="muted">${esc(d.runbook)}</div></td>
<td><span class="badge" style="background:${COLOR[d.status] ?? '#6e7781'}">${esc(d.status)}</span></td><td class="num">${d.score}</td>
<td class="num">${d.time_to_recover_s === null ? '—' : d.time_to_recover_s + ' s'}</td><td class="num" data-testid="ttd-${esc(d.runbook)}">${d.time_to_detect_s === null ? '—' : d.time_to_detect_s + ' s'}${d.time_to_detect_projected ? ' <i>projected</i>' : ''}${d.detected_by ? `<div class="muted">${esc(d.detected_by)}</div>` : ''}${d.undetected_impact ? '<div class="flips">undetected impact</div>' : ''}${d.alert_noise?.length ? `<div class="flips">noise: ${esc(d.alert_noise.join(', '))}</div>` : ''}</td>
<td class="alerts" data-testid="alerts-${esc(d.runbook)}">${alertLines(d.alerts)}</td>
<td class="num">${d.error_budget_consumed === null ? '—' : (d.error_budget_consumed * 100).toFixed(4) + '%'}</td><td class="num">${d.ndcg_ratio === null ? '—' : d.ndcg_ratio.toFixed(3)}</td>
<td class="muted">${esc(d.status_reason)}${d.repeat ? `<div data-testid="repeat-${esc(d.runbook)}" class="${d.repeat.flips ? 'flips' : ''}">${d.repeat.runs} runs: ${esc(Object.entries(d.repeat.statuses).map(([k, v]) => `${v} ${k}`).join(', '))} · agreement ${(d.repeat.verdictAgreement * 100).toFixed(0)}%${d.repeat.flips ? ' · <b>verdict flips</b>' : ''}</div>` : ''}</td><td class="num">${d.duration_s}s</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Game day: ${s.passed}/${s.total} passed</title>
<style>body{font:14px/1.45 system-ui,sans-serif;max-width:1400px;margin:24px auto;padding:0 16px;color:#1f2328}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #eaeef2;padding:6px;text-align:left;vertical-align:top}th{background:#f6f8fa}
.num{text-align:right;white-space:nowrap}.muted{color:#57606a;font-size:12px}.badge{color:#fff;border-radius:6px;padding:1px 8px;font-size:12px;text-transform:uppercase}.flips{color:#cf222e}.alerts{font-size:12px;min-width:260px}.num .muted{white-space:normal;text-align:left}</style></head>
<body><h1>Game day: ${s.passed} of ${s.total} drills passed</h1>
<p class="muted">started ${esc(s.startedAt)} · ${s.durationS}s${s.quick ? ' · quick profile' : ''}</p>
<table><thead><tr><th>drill</th><th>status</th><th>score</th><th>time to recover</th><th>time to detect</th><th>alerts (★ expected; s from the fault)</th><th>budget burned</th><th>NDCG ratio</th><th>why</th><th>took</th></tr></thead>
<tbody>${rows}</tbody></table></body></html>
`;
}
