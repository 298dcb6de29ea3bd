/** Drill outputs: scorecard JSON, HTML report, JUnit XML, and the terminal summary. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recommendActions, type DrillJournal, type Runbook, type Scorecard } from '@drillbook/contracts';
import { renderReport } from './html.js';

export interface OutputFiles {
  dir: string;
  scorecard: string;
  report: string;
  junit: string;
  journal: string;
  summary: string;
  points: string;
}

const xml = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** JUnit XML: one test suite per drill, one test case per objective plus the proof checks. */
export function renderJunit(sc: Scorecard): string {
  const cases: string[] = [];
  const name = xml(sc.runbook.name);
  for (const o of sc.objectives) {
    const body =
      o.verdict === 'met'
        ? ''
        : `<failure type="${xml(o.verdict)}" message="${xml(`${o.name}: measured ${o.measured ?? 'no data'}, target ${o.op} ${o.target}`)}">${xml(o.explanation)}</failure>`;
    cases.push(`    <testcase classname="drillbook.${name}.objectives" name="${xml(o.name)}" time="0">${body}</testcase>`);
  }
  const proof = [
    ['fault observed at the target', sc.proof.faultObserved.ok, sc.proof.faultObserved.evidence.join('; ') || 'no evidence'],
    ['planned load delivered', sc.proof.loadDelivered.ok, `${sc.proof.loadDelivered.sentRequests}/${sc.proof.loadDelivered.plannedRequests} sent, ${sc.proof.loadDelivered.droppedIterations} dropped`],
  ] as const;
  for (const [n, ok, detail] of proof) {
    cases.push(`    <testcase classname="drillbook.${name}.proof" name="${xml(n)}" time="0">${ok ? '' : `<failure type="invalid" message="${xml(detail)}"/>`}</testcase>`);
  }
  if (sc.abort) cases.push(`    <testcase classname="drillbook.${name}" name="drill completed" time="${sc.durationS}"><error type="aborted" message="${xml(sc.abort.reason)}"/></testcase>`);
  const failures = sc.objectives.filter((o) => o.verdict !== 'met').length + proof.filter(([, ok]) => !ok).length;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="drillbook" tests="${cases.length}" failures="${failures}" errors="${sc.abort ? 1 : 0}" time="${sc.durationS}">
  <testsuite name="${name}" tests="${cases.length}" failures="${failures}" errors="${sc.abort ? 1 : 0}" time="${sc.durationS}" timestamp="${xml(sc.startedAt)}">
    <properties>
      <property name="status" value="${xml(sc.status)}"/>
      <property name="score" value="${sc.score}"/>
      <property name="service" value="${xml(sc.service)}"/>
      <property name="drillId" value="${xml(sc.drillId)}"/>
      <property name="statusReason" value="${xml(sc.statusReason)}"/>
    </properties>
${cases.join('\n')}
  </testsuite>
</testsuites>
`;
}

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

export function writeOutputs(dir: string, sc: Scorecard, journal: DrillJournal, _rb?: Runbook): OutputFiles {
  mkdirSync(dir, { recursive: true });
  const files: OutputFiles = {
    dir,
    scorecard: join(dir, 'scorecard.json'),
    report: join(dir, 'report.html'),
    junit: join(dir, 'junit.xml'),
    journal: join(dir, 'journal.json'),
    summary: join(dir, journal.load?.summaryFile ?? 'load/summary.json'),
    points: join(dir, journal.load?.pointsFile ?? 'load/points.ndjson'),
  };
  writeAtomic(files.scorecard, JSON.stringify(sc, null, 2) + '\n');
  writeAtomic(files.report, renderReport(sc));
  writeAtomic(files.junit, renderJunit(sc));
  return files;
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** Plain-text summary for the terminal. */
export function terminalSummary(sc: Scorecard, files?: OutputFiles, color = false): string {
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const statusColor = sc.status === 'passed' ? '32' : sc.status === 'failed' ? '31' : '33';
  const v = (x: number | null, unit: string) => (x === null ? '—' : unit === 'ratio' ? `${+(x * 100).toFixed(3)}%` : unit === 'ms' ? `${+x.toFixed(1)}ms` : unit === 's' ? `${+x.toFixed(2)}s` : String(+x.toFixed(3)));
  const lines = [
    '',
    `${c('1', sc.runbook.title)}  ${c(`1;${statusColor}`, sc.status.toUpperCase())}  score ${c('1', String(sc.score))}/100`,
    `  ${sc.statusReason}`,
    '',
    `  ${pad('objective', 34)}${pad('measured', 14)}${pad('target', 14)}${pad('verdict', 9)}points`,
    ...sc.objectives.map(
      (o) =>
        `  ${pad(o.name.slice(0, 33), 34)}${pad(v(o.measured, o.unit), 14)}${pad(`${o.op} ${v(o.target, o.unit)}`, 14)}${pad(o.verdict === 'met' ? c('32', 'met') + '      ' : c('31', o.verdict) + ' '.repeat(Math.max(1, 9 - o.verdict.length)), 9)}${o.contribution.toFixed(1)}/${o.maxContribution.toFixed(1)}`,
    ),
    '',
    `  time to detect ${sc.timeToDetectS === null ? '—' : sc.timeToDetectS + 's'} · time to recover ${sc.timeToRecoverS === null ? 'not recovered' : sc.timeToRecoverS + 's'} · interruption ${sc.interruptionS}s · budget burned ${sc.errorBudget.consumed === null ? '—' : (sc.errorBudget.consumed * 100).toFixed(4) + '%'} · NDCG ratio ${sc.quality.ndcgRatio ?? '—'}`,
    `  proof: fault ${sc.proof.faultObserved.ok ? 'seen at target' : 'NOT seen'}, load ${sc.proof.loadDelivered.sentRequests}/${sc.proof.loadDelivered.plannedRequests} (${sc.proof.loadDelivered.droppedIterations} dropped, ${sc.load.engine})`,
  ];
  const findings = recommendActions(sc);
  if (findings.length) {
    lines.push('', `  ${c('1', 'recommended actions')}`);
    for (const f of findings) {
      lines.push(`  - ${f.finding} (${f.objectives.join(', ')})`);
      for (const a of f.actions) lines.push(`      * ${a.action} [${a.onCall}]`);
    }
  }
  if (files) lines.push('', `  scorecard ${files.scorecard}`, `  report    ${files.report}`, `  junit     ${files.junit}`);
  return lines.join('\n') + '\n';
}
