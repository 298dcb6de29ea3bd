/**
 * The alert timeline of a drill report: one row per alert Prometheus reported, on the same time axis
 * as the latency and error charts (seconds since the load began, fault phase shaded): pending in
 * amber, firing in red, a dashed arrow to the projected firing time of an alert still pending at the
 * end. Expected alerts (the runbook's `expectedAlerts`) are marked; below it, the findings.
 */
import type { AlertTimelineEntry, DetectionFindings, Scorecard } from '@drillbook/contracts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const sec = (v: number | null) => (v === null ? '—' : `${v >= 0 ? '+' : ''}${v.toFixed(1)} s`);

/** One sentence per alert, relative to the fault: what a reader (or a plugin) shows as text. */
export function describeEntry(e: AlertTimelineEntry): string {
  const parts = [`pending ${sec(e.pendingS)}`];
  if (e.firingS !== null) parts.push(`firing ${sec(e.firingS)}`);
  if (e.projectedFiringS !== null) parts.push(`would fire ${sec(e.projectedFiringS)} (projected: pending + for ${e.forS} s)`);
  if (e.resolvedS !== null) parts.push(`resolved ${sec(e.resolvedS)}`);
  if (e.firedInBaseline) parts.push('fired in the baseline (noise)');
  return parts.join(', ');
}

export function renderAlertTimeline(sc: Pick<Scorecard, 'detection' | 'series' | 'faultWindows' | 'timeToDetectS' | 'detectedBy'>): string {
  const d: DetectionFindings | undefined = sc.detection;
  if (!d) return '';
  const source =
    d.source === 'prometheus'
      ? `Alert states read from Prometheus <code>${esc(d.prometheus)}</code> during the drill.`
      : `No alerts watched: ${esc(d.note ?? 'no Prometheus')}. Time to detect comes from the runbook's metric detection signals only.`;
  const findings = [
    `<li data-testid="time-to-detect">Time to detect: ${sc.timeToDetectS === null ? '<b>not detected</b>' : `<b>${sc.timeToDetectS.toFixed(1)} s</b>${d.projected ? ' <b>(projected)</b>' : ''} after the fault — ${esc(sc.detectedBy)}`}</li>`,
    `<li data-testid="impact">Impact: ${d.impact.length ? d.impact.map(esc).join('; ') : 'none measured'}</li>`,
    `<li data-testid="undetected-impact" class="${d.undetectedImpact ? 'bad' : 'ok'}">Undetected impact (bound ${d.boundS} s): ${d.undetectedImpact === null ? 'not judged (no alerts watched, no metric signal)' : d.undetectedImpact ? '<b>yes</b> — the fault moved an SLI and no expected alert fired or would fire within the bound' : 'no'}</li>`,
    `<li data-testid="alert-noise" class="${d.noise.length ? 'bad' : 'ok'}">Alert noise: ${d.noise.length ? `${d.noise.map(esc).join(', ')} fired in the baseline, before any fault` : 'no expected alert fired in the baseline'}</li>`,
  ].join('\n');
  const rows = d.timeline
    .map((e) => `<tr class="${e.expected ? 'expected' : ''}"><td>${esc(e.alertname)}${e.expected ? ' <span class="exp">expected</span>' : ''}</td><td>${esc(e.severity ?? '')}</td><td>${e.forS} s</td><td>${sec(e.pendingS)}</td><td>${sec(e.firingS)}</td><td>${e.projectedFiringS === null ? '—' : `${sec(e.projectedFiringS)} <i>projected</i>`}</td><td>${sec(e.resolvedS)}</td><td>${e.firedInBaseline ? 'fired in baseline' : ''}</td></tr>`)
    .join('\n');
  return `<h2>Alerts</h2>
<p class="muted" data-testid="alert-source">${source}${d.note && d.source === 'prometheus' ? ` ${esc(d.note)}` : ''}</p>
${d.timeline.length ? alertChart(sc, d) : ''}
<ul class="proof" data-testid="detection-findings">${findings}</ul>
<table data-testid="alert-timeline"><thead><tr><th>alert</th><th>severity</th><th>for</th><th>pending</th><th>firing</th><th>would fire</th><th>resolved</th><th></th></tr></thead>
<tbody>${rows || '<tr><td colspan="8" class="muted">no alert was pending or firing during the drill</td></tr>'}</tbody></table>
<p class="muted">Times relative to the first injected fault. A projected time is when an alert still pending at the end would fire (pending since + its <code>for:</code>).</p>`;
}

/** The timeline as bars on the charts' time axis. */
function alertChart(sc: Pick<Scorecard, 'series' | 'faultWindows'>, d: DetectionFindings): string {
  const W = 760;
  const rowH = 22;
  const pad = { l: 56, r: 16, t: 28, b: 24 };
  const zero = d.faultAtS ?? 0;
  const xs = sc.series.t;
  const maxT = Math.max(1, xs.length ? xs[xs.length - 1] + 1 : 1, ...sc.faultWindows.map((w) => w.endS));
  const H = pad.t + pad.b + rowH * d.timeline.length;
  const x = (t: number) => pad.l + (Math.max(0, Math.min(maxT, t)) / maxT) * (W - pad.l - pad.r);
  const fault = sc.faultWindows.find((w) => w.label === 'fault phase');
  const bars = d.timeline
    .map((e, i) => {
      const y = pad.t + i * rowH;
      const abs = (v: number | null) => (v === null ? null : zero + v);
      const p = abs(e.pendingS);
      const f = abs(e.firingS);
      const r = abs(e.resolvedS) ?? maxT;
      const out: string[] = [`<text x="${pad.l + 4}" y="${y + 15}" font-size="11" fill="#1f2328">${esc(e.alertname)}${e.severity ? ` (${esc(e.severity)})` : ''}${e.expected ? ' ★' : ''}</text>`];
      if (p !== null) out.push(`<rect class="pending" x="${x(p).toFixed(1)}" y="${y + 3}" width="${Math.max(1, x(f ?? r) - x(p)).toFixed(1)}" height="${rowH - 6}" fill="#d4a72c" opacity="0.55"><title>${esc(e.alertname)} pending ${sec(e.pendingS)}</title></rect>`);
      if (f !== null) out.push(`<rect class="firing" x="${x(f).toFixed(1)}" y="${y + 3}" width="${Math.max(1, x(r) - x(f)).toFixed(1)}" height="${rowH - 6}" fill="#cf222e" opacity="0.7"><title>${esc(e.alertname)} firing ${sec(e.firingS)}</title></rect>`);
      if (e.projectedFiringS !== null) {
        const pf = zero + e.projectedFiringS;
        out.push(`<line class="projected" x1="${x(p ?? 0).toFixed(1)}" x2="${x(pf).toFixed(1)}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="#cf222e" stroke-dasharray="4 3"><title>projected to fire ${sec(e.projectedFiringS)}</title></line>`);
        out.push(`<text x="${W - pad.r}" y="${y + 15}" font-size="11" text-anchor="end" fill="#cf222e">${pf > maxT ? '→ ' : ''}projected ${sec(e.projectedFiringS)}</text>`);
      }
      return out.join('');
    })
    .join('\n');
  const ticksX = Array.from({ length: 6 }, (_, i) => Math.round((i * maxT) / 5));
  return `<figure class="chart" data-testid="chart-alerts">
<svg viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="alert timeline">
<text x="${pad.l}" y="16" font-weight="600">alerts (pending amber, firing red, projected dashed)</text>
${fault ? `<rect x="${x(fault.startS).toFixed(1)}" y="${pad.t}" width="${Math.max(1, x(fault.endS) - x(fault.startS)).toFixed(1)}" height="${H - pad.t - pad.b}" fill="#ffd8b5" opacity="0.55"/>` : ''}
${d.faultAtS !== null ? `<line x1="${x(zero).toFixed(1)}" x2="${x(zero).toFixed(1)}" y1="${pad.t}" y2="${H - pad.b}" stroke="#bc4c00" stroke-dasharray="3 3"/>` : ''}
${bars}
${ticksX.map((t) => `<text x="${x(t).toFixed(1)}" y="${H - 6}" text-anchor="middle" font-size="11">${t}s</text>`).join('')}
</svg>
<figcaption>Same time axis as the charts above (seconds since the load began). Shaded: fault phase; dashed line: first fault. ★ expected by the runbook.</figcaption>
</figure>`;
}
