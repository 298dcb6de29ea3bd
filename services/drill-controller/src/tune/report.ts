/**
 * Outputs of `drillbook tune`: DIR/tune.json (everything), DIR/report.html (ranked table, the
 * throughput–p99 Pareto chart, each finalist's drill verdicts and the recommended actions),
 * DIR/recommended.json (a config file the target accepts: for the reference stack a StackConfig that
 * `npm run stack -- --config`, `drillbook run --stack-config` and the controller's `embedded.stackConfig`
 * read), and the terminal summary. Each file is written to a temporary name and renamed.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionFinding } from '@drillbook/contracts';
import type { Candidate } from './rank.js';
import type { TuneResult } from './tune.js';
import type { ConfigAdapter } from './adapter.js';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export interface TuneFiles {
  json: string;
  report: string;
  recommended: string;
}

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const fmtKey = (c: Candidate) =>
  Object.entries(c.assignment)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

export function writeTuneOutputs(r: TuneResult, outDir: string, adapter: ConfigAdapter<any>): TuneFiles {
  const files = { json: join(outDir, 'tune.json'), report: join(outDir, 'report.html'), recommended: join(outDir, 'recommended.json') };
  const rec = r.candidates.find((c) => c.key === (r.recommendedKey ?? r.defaultKey))!;
  const recommended = adapter.configFile(r.recommendedConfig, {
    source: { tool: 'drillbook tune', space: r.space, at: r.endedAt, candidate: rec.key, proven: r.proven, drills: r.drills },
    measured: { compliantRps: rec.measurement.compliantRps, p99Ms: rec.measurement.p99Ms, defaultRps: r.defaultRps, gain: r.gain, objectives: r.objectives, rates: r.rates },
  });
  writeAtomic(files.recommended, JSON.stringify(recommended, null, 2) + '\n');
  writeAtomic(files.json, JSON.stringify(r, null, 2) + '\n');
  writeAtomic(files.report, tuneHtml(r));
  return files;
}

/** Throughput (x) vs p99 (y) of every measured candidate; the Pareto front joined by a line. */
export function paretoChart(cs: readonly Candidate[], p99Target: number): string {
  const pts = cs.filter((c) => c.measurement.compliantRps > 0 && c.measurement.p99Ms !== null);
  const W = 760;
  const H = 320;
  const pad = { l: 60, r: 20, t: 28, b: 40 };
  const maxX = Math.max(1, ...pts.map((c) => c.measurement.compliantRps)) * 1.1;
  const maxY = Math.max(p99Target, ...pts.map((c) => c.measurement.p99Ms!)) * 1.1;
  const x = (v: number) => pad.l + (v / maxX) * (W - pad.l - pad.r);
  const y = (v: number) => H - pad.b - (v / maxY) * (H - pad.t - pad.b);
  const front = pts.filter((c) => c.pareto).sort((a, b) => a.measurement.compliantRps - b.measurement.compliantRps);
  const ticks = (max: number) => [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return `<svg data-testid="pareto-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="throughput vs p99 of every candidate">
<text x="${pad.l}" y="18" font-weight="bold">SLO-compliant throughput vs p99 at that rate (Pareto front joined)</text>
${ticks(maxX / 1.1).map((v) => `<line x1="${x(v)}" x2="${x(v)}" y1="${pad.t}" y2="${H - pad.b}" stroke="#eee"/><text x="${x(v)}" y="${H - pad.b + 16}" font-size="11" text-anchor="middle">${Math.round(v)}</text>`).join('')}
${ticks(maxY / 1.1).map((v) => `<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/><text x="${pad.l - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end">${Math.round(v)}</text>`).join('')}
<text x="${(W + pad.l) / 2}" y="${H - 6}" font-size="12" text-anchor="middle">SLO-compliant throughput (req/s)</text>
<text x="14" y="${(H - pad.b + pad.t) / 2}" font-size="12" transform="rotate(-90 14 ${(H - pad.b + pad.t) / 2})" text-anchor="middle">p99 (ms)</text>
<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(p99Target)}" y2="${y(p99Target)}" stroke="#cf222e" stroke-dasharray="4 3"/><text x="${W - pad.r}" y="${y(p99Target) - 4}" font-size="11" fill="#cf222e" text-anchor="end">p99 objective ${p99Target} ms</text>
${front.length > 1 ? `<polyline fill="none" stroke="#0969da" stroke-width="1.5" points="${front.map((c) => `${x(c.measurement.compliantRps)},${y(c.measurement.p99Ms!)}`).join(' ')}"/>` : ''}
${pts
  .map((c) => {
    const fill = c.rejected ? '#cf222e' : c.isDefault ? '#9a6700' : c.pareto ? '#0969da' : '#8c959f';
    return `<g data-testid="pareto-point" data-key="${esc(c.key)}"><circle cx="${x(c.measurement.compliantRps)}" cy="${y(c.measurement.p99Ms!)}" r="${c.pareto ? 6 : 4}" fill="${fill}"><title>#${c.rank} ${esc(fmtKey(c))}: ${c.measurement.compliantRps} req/s, p99 ${c.measurement.p99Ms!.toFixed(1)} ms${c.rejected ? ' (rejected by a drill)' : ''}</title></circle><text x="${x(c.measurement.compliantRps) + 8}" y="${y(c.measurement.p99Ms!) + 4}" font-size="11">#${c.rank}${c.isDefault ? ' default' : ''}</text></g>`;
  })
  .join('\n')}
</svg>
<p class="legend"><span style="color:#0969da">●</span> on the Pareto front · <span style="color:#9a6700">●</span> current default · <span style="color:#cf222e">●</span> rejected by a drill · <span style="color:#8c959f">●</span> dominated</p>`;
}

/** On-call links point at this checkout's guide (the report sits in an output directory anywhere). */
const REPO_URL = new URL('../../../../', import.meta.url).href;

export function actionsHtml(findings: readonly ActionFinding[], onCallBase = REPO_URL): string {
  if (!findings.length) return '';
  return `<ul class="actions" data-testid="recommended-actions">${findings
    .map((f) => `<li><b>${esc(f.finding)}</b> (${esc(f.objectives.join(', '))})<ul>${f.actions.map((a) => `<li>${esc(a.action)} <a href="${esc(onCallBase + a.onCall)}">on-call: ${esc(a.onCall.split('#')[1])}</a></li>`).join('')}</ul></li>`)
    .join('')}</ul>`;
}

function verdictCell(c: Candidate): string {
  if (!c.drills) return '<td>not drilled</td>';
  if (c.rejected) return `<td class="bad">rejected: ${esc(c.rejected)}</td>`;
  return '<td class="good">passed every drill</td>';
}

export function tuneHtml(r: TuneResult): string {
  const rec = r.candidates.find((c) => c.key === (r.recommendedKey ?? r.defaultKey))!;
  const rows = r.candidates
    .map(
      (c) =>
        `<tr data-testid="candidate-row"${c.key === r.recommendedKey ? ' class="rec"' : ''}><td>${c.rank}</td><td><code>${esc(fmtKey(c))}</code>${c.isDefault ? ' <i>(default)</i>' : ''}</td><td>${c.measurement.compliantRps}</td><td>${c.measurement.p99Ms?.toFixed(1) ?? '—'}</td><td>${c.pareto ? 'yes' : ''}</td>${verdictCell(c)}<td>${esc(c.measurement.error ?? c.measurement.steps.map((s) => `${s.offeredRps}:${s.pass ? 'ok' : 'x'}`).join(' '))}</td></tr>`,
    )
    .join('\n');
  const finalists = r.candidates.filter((c) => c.drills);
  const drillsHtml = finalists
    .map(
      (c) => `<section data-testid="finalist"><h3>#${c.rank} <code>${esc(fmtKey(c))}</code> — ${c.rejected ? '<span class="bad">rejected</span>' : '<span class="good">proven</span>'}</h3>
<table><tr><th>drill</th><th>status</th><th>score</th><th>missed objectives</th><th>why</th></tr>${c
        .drills!.map((d) => `<tr><td>${esc(d.runbook)}</td><td class="${d.status === 'passed' ? 'good' : 'bad'}">${esc(d.status)}</td><td>${d.score}</td><td>${esc(d.missed.map((m) => `${m.name}: ${m.measured === null ? 'no data' : +m.measured.toFixed(3)} (target ${m.op} ${m.target})`).join('; ') || '—')}</td><td>${esc(d.statusReason)}${d.dir ? ` <small>${esc(d.dir)}</small>` : ''}</td></tr>`)
        .join('')}</table>
${r.actions
  .filter((a) => a.candidate === c.key)
  .map((a) => `<h4>Recommended actions (${esc(a.runbook)})</h4>${actionsHtml(a.findings)}`)
  .join('')}</section>`,
    )
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>drillbook tune — ${esc(r.space)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1100px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}tr.rec{background:#dafbe1}.good{color:#1a7f37}.bad{color:#cf222e}.legend{font-size:12px}code{font-size:12px}</style></head><body>
<h1>drillbook tune</h1>
<p data-testid="tune-summary"><b>Recommended:</b> <code>${esc(fmtKey(rec))}</code> — ${rec.measurement.compliantRps} req/s SLO-compliant${rec.measurement.p99Ms !== null ? `, p99 ${rec.measurement.p99Ms.toFixed(1)} ms` : ''}.
Default: ${r.defaultRps} req/s. Gain <b>${r.gain ?? '—'}×</b>. ${r.proven ? `Passed every drill (${esc(r.drills.join(', '))}).` : '<span class="bad">No finalist passed every drill: the current default is kept (unproven).</span>'}</p>
<p>${r.candidates.length} candidates measured of ${r.spaceSize} (${esc(r.strategy)}, stopped: ${esc(r.stop)}, budget ${r.budgetMin} min, ${r.durationS} s in all) · ${r.drilled} drilled · ${r.rejectedByDrill} rejected by a drill.
Objectives at each rate: p99 ≤ ${r.objectives.p99Ms} ms, availability ≥ ${(r.objectives.availability * 100).toFixed(2)}%, served NDCG@10 ≥ ${r.objectives.ndcgRatio} × ${r.ndcgReference?.toFixed(4) ?? '—'} (the default's at the warm-up rate).
Rates: from ${r.rates.startRps} req/s doubling to ${r.rates.maxRps}, ${r.rates.stepS} s each, ${r.rates.refineSteps} bisection steps.</p>
<h2>Ranked candidates</h2>
<table data-testid="ranked-table"><tr><th>#</th><th>configuration</th><th>SLO-compliant req/s</th><th>p99 (ms)</th><th>Pareto</th><th>drills</th><th>rates tried</th></tr>
${rows}</table>
<h2>Throughput–p99 Pareto chart</h2>
${paretoChart(r.candidates, r.objectives.p99Ms)}
<h2>Finalists' drill verdicts</h2>
${drillsHtml || '<p>No finalist was drilled.</p>'}
<h2>Not knobs yet</h2><ul>${r.notKnobs.map((k) => `<li><code>${esc(k.name)}</code>: ${esc(k.why)}</li>`).join('')}</ul>
</body></html>
`;
}

export function tuneTerminalSummary(r: TuneResult, files?: TuneFiles): string {
  const pad = (s: string, n: number) => (s.length >= n ? s + ' ' : s + ' '.repeat(n - s.length));
  // Wide enough for the longest configuration (four knobs with a model variant run past 70 columns).
  const w = Math.max(70, ...r.candidates.map((c) => fmtKey(c).length + (c.isDefault ? 12 : 2)));
  const lines = [
    '',
    `  ${pad('#', 4)}${pad('configuration', w)}${pad('req/s', 8)}${pad('p99 ms', 9)}${pad('pareto', 8)}drills`,
    ...r.candidates.map(
      (c) =>
        `  ${pad(String(c.rank), 4)}${pad(fmtKey(c) + (c.isDefault ? ' (default)' : ''), w)}${pad(String(c.measurement.compliantRps), 8)}${pad(c.measurement.p99Ms?.toFixed(1) ?? '—', 9)}${pad(c.pareto ? 'yes' : '', 8)}${!c.drills ? '—' : c.rejected ? `REJECTED: ${c.rejected}` : 'passed'}`,
    ),
    '',
    `  default ${r.defaultRps} req/s · recommended ${r.bestRps} req/s · gain ${r.gain ?? '—'}x · ${r.candidates.length} candidates · ${r.drilled} drilled · ${r.rejectedByDrill} rejected by a drill${r.proven ? '' : ' · no finalist proven: default kept'}`,
  ];
  for (const a of r.actions) {
    lines.push('', `  recommended actions for ${a.candidate} (${a.runbook}):`);
    for (const f of a.findings) {
      lines.push(`    - ${f.finding} (${f.objectives.join(', ')})`);
      for (const x of f.actions) lines.push(`        * ${x.action} [${x.onCall}]`);
    }
  }
  if (files) lines.push('', `  tune.json   ${files.json}`, `  report      ${files.report}`, `  recommended ${files.recommended}`);
  return lines.join('\n') + '\n';
}
