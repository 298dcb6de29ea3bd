/**
 * Self-contained HTML report of a drill: verdict, objectives table, latency and error-rate charts
 * (inline SVG, the fault window shaded), phases, proof, timeline. No external assets or scripts.
 */
import { recommendActions, type Scorecard } from '@drillbook/contracts';
import { renderAlertTimeline } from './alertTimeline.js';

/** Every missed objective mapped to actions by the contracts' rule table, each linking its on-call section. */
/** Links point at the repository's on-call guide (file URL of this checkout). */
const REPO_URL = new URL('../../../../', import.meta.url).href;

export function recommendedActionsHtml(sc: Scorecard, onCallBase = REPO_URL): string {
  const findings = recommendActions(sc);
  if (!findings.length) return '';
  return `<h2>Recommended actions</h2><ul data-testid="recommended-actions">${findings
    .map((f) => `<li><b>${esc(f.finding)}</b> (${esc(f.objectives.join(', '))})<ul>${f.actions.map((a) => `<li>${esc(a.action)} <a href="${esc(onCallBase + a.onCall)}">on-call: ${esc(a.onCall.split('#')[1])}</a></li>`).join('')}</ul></li>`)
    .join('')}</ul>`;
}

const esc = (s: unknown) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const COLORS = { passed: '#1a7f37', failed: '#cf222e', aborted: '#9a6700', interrupted: '#9a6700', invalid: '#6e7781', inconclusive: '#9a6700' } as const;

function fmtValue(v: number | null, unit: string): string {
  if (v === null) return '—';
  if (unit === 'ratio') return Math.abs(v) <= 1.5 ? `${+(v * 100).toFixed(3)}%` : v.toFixed(3);
  if (unit === 'ms') return `${+v.toFixed(1)} ms`;
  if (unit === 's') return `${+v.toFixed(2)} s`;
  return String(+v.toFixed(3));
}

/** The service's own SLIs (configured PromQL) per phase, each with its source, beside the load-measured figures. */
export function serviceSlisHtml(sc: Scorecard): string {
  if (!sc.serviceSlis?.length) return '';
  const order = ['baseline', 'fault', 'recovery', 'drill'] as const;
  const cols = order.filter((p) => sc.serviceSlis!.some((s) => s.windows.some((w) => w.phase === p)));
  const loadErr = (p: string) => (p === 'drill' ? (sc.errorBudget.events ? sc.errorBudget.badEvents / sc.errorBudget.events : null) : (sc.phases.find((x) => x.phase === p)?.errorRate ?? null));
  const rows = sc.serviceSlis
    .map((s) => {
      const cells = cols.map((p) => {
        const w = s.windows.find((x) => x.phase === p);
        return `<td${w ? ` title="${esc(`${w.query} @ ${w.at}`)}"` : ''}>${esc(fmtValue(w?.value ?? null, 'ratio'))}</td>`;
      });
      return `<tr data-testid="service-sli"><td>${esc(s.title)}<div class="muted src" data-testid="service-sli-source">${esc(s.source)}${s.prometheusUrl ? ` @ ${esc(s.prometheusUrl)}` : ''}</div>${s.note ? `<div class="muted src" data-testid="service-sli-note">${esc(s.note)}</div>` : ''}</td><td>service (Prometheus)</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const load = `<tr><td>error rate<div class="muted src">the drill's own load</div></td><td>load</td>${cols.map((p) => `<td>${esc(fmtValue(loadErr(p), 'ratio'))}</td>`).join('')}</tr>`;
  return `<h2>Service-reported SLIs</h2>
<p class="muted">Error ratios from the service's own metrics (configured PromQL, <code>{{.window}}</code> = the phase length, evaluated at the phase end), beside the error rate the drill's load measured.</p>
<table data-testid="service-slis"><thead><tr><th>SLI and source</th><th>reported by</th>${cols.map((p) => `<th>${esc(p)}</th>`).join('')}</tr></thead><tbody>${rows}\n${load}</tbody></table>`;
}

/** A line chart with shaded fault windows and an optional threshold line. */
export function lineChart(opts: {
  title: string;
  t: number[];
  values: Array<number | null>;
  yLabel: string;
  windows: Scorecard['faultWindows'];
  threshold?: { value: number; label: string };
  format?: (v: number) => string;
  color: string;
  testId: string;
  /** Smallest top of the y axis, so an all-zero series still reads as zero on a sensible scale. */
  minMax?: number;
}): string {
  const W = 760;
  const H = 220;
  const pad = { l: 56, r: 16, t: 28, b: 32 };
  const xs = opts.t;
  const maxT = Math.max(1, xs.length ? xs[xs.length - 1] + 1 : 1, ...opts.windows.map((w) => w.endS));
  const vals = opts.values.filter((v): v is number => v !== null);
  const maxV = Math.max(opts.threshold?.value ?? 0, ...vals, opts.minMax ?? 1e-9) * 1.15;
  const x = (t: number) => pad.l + (t / maxT) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / maxV) * (H - pad.t - pad.b);
  const f = opts.format ?? ((v: number) => String(+v.toFixed(2)));
  const shade = opts.windows
    .filter((w) => w.label === 'fault phase')
    .map((w) => `<rect class="fault-window" x="${x(Math.max(0, w.startS)).toFixed(1)}" y="${pad.t}" width="${Math.max(1, x(w.endS) - x(Math.max(0, w.startS))).toFixed(1)}" height="${H - pad.t - pad.b}" fill="#ffd8b5" opacity="0.55"><title>${esc(w.label)}: ${w.startS.toFixed(1)}s – ${w.endS.toFixed(1)}s</title></rect>`)
    .join('');
  const marks = opts.windows
    .filter((w) => w.label !== 'fault phase')
    .map((w) => `<line x1="${x(Math.max(0, w.startS)).toFixed(1)}" x2="${x(Math.max(0, w.startS)).toFixed(1)}" y1="${pad.t}" y2="${H - pad.b}" stroke="#bc4c00" stroke-dasharray="3 3"><title>${esc(w.label)} at ${w.startS.toFixed(1)}s</title></line>`)
    .join('');
  let d = '';
  let pen = false;
  opts.values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(xs[i] + 0.5).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  });
  const ticksY = [0, 0.25, 0.5, 0.75, 1].map((k) => k * maxV);
  const ticksX = Array.from({ length: 6 }, (_, i) => Math.round((i * maxT) / 5));
  return `<figure class="chart" data-testid="${esc(opts.testId)}">
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="${esc(opts.title)}">
<text x="${pad.l}" y="16" font-weight="600">${esc(opts.title)}</text>
${shade}
${ticksY.map((v) => `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eaeef2"/><text x="${pad.l - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11">${esc(f(v))}</text>`).join('')}
${ticksX.map((t) => `<text x="${x(t).toFixed(1)}" y="${H - 12}" text-anchor="middle" font-size="11">${t}s</text>`).join('')}
${opts.threshold ? `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(opts.threshold.value).toFixed(1)}" y2="${y(opts.threshold.value).toFixed(1)}" stroke="#cf222e" stroke-dasharray="6 4"/><text x="${W - pad.r}" y="${(y(opts.threshold.value) - 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#cf222e">${esc(opts.threshold.label)}</text>` : ''}
${marks}
<path d="${d}" fill="none" stroke="${opts.color}" stroke-width="2"/>
<text x="14" y="${(H / 2).toFixed(0)}" transform="rotate(-90 14 ${(H / 2).toFixed(0)})" font-size="11" text-anchor="middle">${esc(opts.yLabel)}</text>
</svg>
<figcaption>Shaded: fault phase. Dashed: faults injected${opts.threshold ? '; red: objective' : ''}.</figcaption>
</figure>`;
}

/**
 * Headers for serving the report over HTTP: it has no script at all, so none may run (a value that
 * slipped past escaping still cannot execute), and the browser may not sniff another type.
 */
export const REPORT_HEADERS = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

/** Who took part in the drill, for the report's header (the API serves it; the file written at the end has it when known). */
export interface ReportPeople {
  /** Who launched the drill: "alice via backstage", or a token's name. */
  launchedBy?: string;
}

export function renderReport(sc: Scorecard, people: ReportPeople = {}): string {
  const color = COLORS[sc.status];
  const p99Target = sc.objectives.find((o) => o.sli === 'latency_p99_ms')?.target ?? 250;
  const rows = sc.objectives
    .map(
      (o) => `<tr class="${o.verdict}"><td>${esc(o.name)}</td><td>${esc(o.sli)}${o.promql ? `:${esc(o.promql)}` : ''}${o.phase !== 'drill' ? ` (${esc(o.phase)})` : ''}${o.source ? `<div class="muted src" data-testid="objective-source">${esc(o.source)}</div>` : ''}</td><td>${esc(fmtValue(o.measured, o.unit))}${o.interval ? `<div class="muted ci">95% CI ${esc(fmtValue(o.interval[0], o.unit))}–${esc(fmtValue(o.interval[1], o.unit))}</div>` : ''}</td><td>${esc(o.op)} ${esc(fmtValue(o.target, o.unit))}</td><td class="verdict">${esc(o.verdict)}</td><td>${o.contribution.toFixed(1)} / ${o.maxContribution.toFixed(1)}</td><td class="why">${esc(o.explanation)}</td></tr>`,
    )
    .join('\n');
  const gen = (phase: string) => sc.load.generator.phases.find((g) => g.phase === phase);
  const phases = sc.phases
    .map(
      (p) => `<tr><td>${esc(p.phase)}</td><td>${p.startS.toFixed(1)}–${p.endS.toFixed(1)} s</td><td>${p.requests}</td><td>${p.throughputRps?.toFixed(1) ?? '—'} / ${p.plannedRps ?? '—'}</td><td>${p.errorRate === null ? '—' : (p.errorRate * 100).toFixed(3) + '%'}</td><td>${p.latencyMs.p50?.toFixed(1) ?? '—'}</td><td>${p.latencyMs.p95?.toFixed(1) ?? '—'}</td><td>${p.latencyMs.p99?.toFixed(1) ?? '—'}</td><td>${p.degradedShare === null ? '—' : (p.degradedShare * 100).toFixed(2) + '%'}</td><td>${p.ndcg10?.toFixed(4) ?? '—'}</td><td class="gen">${gen(p.phase)?.schedLagP99Ms?.toFixed(1) ?? '—'}</td><td class="gen">${gen(p.phase)?.hostCpuBusy == null ? '—' : `${((gen(p.phase)?.hostCpuBusy ?? 0) * 100).toFixed(0)}%`}</td></tr>`,
    )
    .join('\n');
  const timeline = sc.timeline
    .map((a) => `<tr class="${esc(a.status)}"><td>${a.startS.toFixed(1)} s</td><td>${esc(a.phase)}</td><td>${esc(a.name)}</td><td>${esc(a.kind)}</td><td>${esc(a.status)}</td><td>${a.endS !== null ? (a.endS - a.startS).toFixed(2) + ' s' : ''}</td><td>${esc(a.error ?? '')}</td></tr>`)
    .join('\n');
  const fig = (label: string, v: string) => `<div class="fig"><div class="k">${esc(label)}</div><div class="v">${v}</div></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drill ${esc(sc.runbook.name)} — ${esc(sc.status)} (${sc.score})</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#1f2328;padding:0 16px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.badge{display:inline-block;color:#fff;background:${color};border-radius:6px;padding:2px 10px;font-weight:600;text-transform:uppercase;font-size:12px}
.score{font-size:40px;font-weight:700;color:${color}} .muted{color:#57606a}
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(160px,1fr));gap:8px;margin:12px 0}
.fig{border:1px solid #d0d7de;border-radius:6px;padding:8px 10px}.fig .k{color:#57606a;font-size:12px}.fig .v{font-size:18px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:13px} th,td{border-bottom:1px solid #eaeef2;padding:5px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa} tr.missed td.verdict,tr.no-data td.verdict,tr.failed td{color:#cf222e;font-weight:600} tr.met td.verdict{color:#1a7f37;font-weight:600} tr.inconclusive td.verdict{color:#9a6700;font-weight:600} .ci{font-size:11px}
td.why{color:#57606a;font-size:12px} .src{font-size:11px;word-break:break-all} .chart{margin:8px 0} figcaption{color:#57606a;font-size:12px}
.proof li.ok::marker{content:'✔ ';color:#1a7f37} .proof li.bad::marker{content:'✘ ';color:#cf222e}
code{background:#f6f8fa;padding:1px 4px;border-radius:4px}
</style></head>
<body>
<header data-testid="report-header">
<div><span class="badge" data-testid="status">${esc(sc.status)}</span> <span class="muted">${esc(sc.service)} · model ${esc(sc.modelVersion ?? 'unknown')} · drill ${esc(sc.drillId)}</span></div>
<h1>${esc(sc.runbook.title)}</h1>
<div><span class="score" data-testid="score">${sc.score}</span><span class="muted"> / 100</span></div>
<p>${esc(sc.statusReason)}</p>
<p class="muted"><b>Hypothesis.</b> ${esc(sc.hypothesis)}</p>
${people.launchedBy ? `<p data-testid="launched-by">Launched by <b>${esc(people.launchedBy)}</b>${sc.abort ? ` · aborted by ${esc(sc.abort.source)}: ${esc(sc.abort.reason)}` : ''}</p>` : ''}
</header>
<div class="figs">
${fig('time to detect', sc.timeToDetectS === null ? '—' : `${sc.timeToDetectS.toFixed(2)} s${sc.detection?.projected ? ' (projected)' : ''}`)}
${fig('time to recover', sc.timeToRecoverS === null ? 'not recovered' : `${sc.timeToRecoverS.toFixed(2)} s`)}
${fig('interruption', `${sc.interruptionS.toFixed(2)} s`)}
${fig('recovery rate', sc.recoveryRate === null ? '—' : `${(sc.recoveryRate * 100).toFixed(0)}%`)}
${fig('error budget burned', sc.errorBudget.consumed === null ? '—' : `${(sc.errorBudget.consumed * 100).toFixed(4)}%`)}
${fig('burn rate', sc.errorBudget.burnRate === null ? '—' : `${sc.errorBudget.burnRate.toFixed(2)}x`)}
${fig('NDCG@10 vs baseline', sc.quality.ndcgRatio === null ? '—' : sc.quality.ndcgRatio.toFixed(3))}
${fig('degraded share', sc.degradedShare === null ? '—' : `${(sc.degradedShare * 100).toFixed(2)}%`)}
</div>
<h2>Objectives</h2>
<table data-testid="objectives"><thead><tr><th>objective</th><th>SLI</th><th>measured</th><th>target</th><th>verdict</th><th>points</th><th>how the credit was computed</th></tr></thead>
<tbody>${rows}</tbody></table>
${serviceSlisHtml(sc)}
<h2>Latency and errors over time</h2>
${lineChart({ title: 'p99 latency (1 s buckets)', t: sc.series.t, values: sc.series.p99Ms, yLabel: 'ms', windows: sc.faultWindows, threshold: { value: p99Target, label: `objective ${p99Target} ms` }, color: '#0969da', format: (v) => `${Math.round(v)}`, testId: 'chart-latency' })}
${lineChart({ title: 'error rate (1 s buckets)', t: sc.series.t, values: sc.series.errorRate, yLabel: 'errors', windows: sc.faultWindows, color: '#cf222e', format: (v) => `${(v * 100).toFixed(1)}%`, testId: 'chart-errors', minMax: 0.01 })}
${lineChart({ title: 'throughput (requests per second)', t: sc.series.t, values: sc.series.rps, yLabel: 'req/s', windows: sc.faultWindows, color: '#8250df', format: (v) => `${Math.round(v)}`, testId: 'chart-rps' })}
${lineChart({ title: 'degraded share (1 s buckets)', t: sc.series.t, values: sc.series.degradedShare, yLabel: 'degraded', windows: sc.faultWindows, color: '#9a6700', format: (v) => `${(v * 100).toFixed(0)}%`, testId: 'chart-degraded', minMax: 0.1 })}
${renderAlertTimeline(sc)}
<h2>Phases</h2>
<table data-testid="phases"><thead><tr><th>phase</th><th>window</th><th>requests</th><th>req/s (planned)</th><th>error rate</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>degraded</th><th>NDCG@10</th><th title="how late the load generator sent against its schedule">generator lag p99 ms</th><th>host CPU busy</th></tr></thead><tbody>${phases}</tbody></table>
<h2>Proof the drill was real</h2>
<ul class="proof" data-testid="proof">
<li class="${sc.proof.faultObserved.ok ? 'ok' : 'bad'}">Fault seen at the target: ${sc.proof.faultObserved.evidence.length ? sc.proof.faultObserved.evidence.map(esc).join('; ') : 'no evidence'}</li>
<li class="${sc.proof.loadDelivered.ok ? 'ok' : 'bad'}">Load delivered: ${sc.proof.loadDelivered.sentRequests} of ${sc.proof.loadDelivered.plannedRequests} planned requests (${sc.proof.loadDelivered.achievedRatio === null ? '—' : (sc.proof.loadDelivered.achievedRatio * 100).toFixed(1) + '%'}), ${sc.proof.loadDelivered.droppedIterations} dropped, ${esc(sc.load.engine)} engine${sc.load.thresholds.length ? `; thresholds ${sc.load.thresholdsOk ? 'held' : 'crossed: ' + esc(sc.load.thresholds.filter((t) => !t.ok).map((t) => `${t.metric} ${t.expr}`).join(', '))}` : ''}</li>
<li class="${sc.load.generator.saturated ? 'bad' : 'ok'}" data-testid="generator">Load generator: ${esc(sc.load.generator.reason)}</li>
<li class="${sc.steadyState.established ? 'ok' : 'bad'}" data-testid="steady-state">Steady state: ${esc(sc.steadyState.reason)}</li>
</ul>
${sc.objectives.some((o) => o.verdict === 'inconclusive') ? '<p class="muted" data-testid="inconclusive-note">An <b>inconclusive</b> objective missed its target on the point estimate, but the 95% interval of the percentile includes the target: it earns the partial credit of its point estimate, and the drill is <b>inconclusive</b> instead of failed. Run it longer or at a higher rate (the objective says about how many requests would decide it).</p>' : ''}
${sc.abort ? `<p><b>Aborted</b> at ${sc.abort.atS.toFixed(1)} s by ${esc(sc.abort.source)}: ${esc(sc.abort.reason)}</p>` : ''}
${sc.status !== 'passed' && sc.onFailure ? `<h2>What to do</h2><p data-testid="on-failure">${esc(sc.onFailure)}</p>` : ''}
${recommendedActionsHtml(sc)}
<h2>Timeline</h2>
<table data-testid="timeline"><thead><tr><th>at</th><th>phase</th><th>step</th><th>kind</th><th>status</th><th>took</th><th>error</th></tr></thead><tbody>${timeline}</tbody></table>
<h2>Evidence</h2>
<p class="muted">Files next to this report: <code>${esc(sc.evidence.journal)}</code> (journal), <code>scorecard.json</code>, <code>${esc(sc.evidence.loadSummary)}</code> (k6 summary shape), <code>${esc(sc.evidence.points)}</code> (k6 points), <code>${esc(sc.evidence.junit)}</code>.</p>
<p class="muted">Runbook ${esc(sc.runbook.file ?? sc.runbook.name)} · sha256 ${esc(sc.runbook.sha256.slice(0, 16))}… · started ${esc(sc.startedAt)} · ${sc.durationS.toFixed(1)} s</p>
</body></html>
`;
}
