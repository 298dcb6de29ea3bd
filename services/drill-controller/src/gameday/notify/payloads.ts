/**
 * What each kind of receiver is sent for one game-day notification:
 * - `alertmanager`: the Alertmanager webhook payload, version 4 (`receiver`, `status`, `alerts[]`
 *   with `labels`, `annotations`, `startsAt`, `endsAt`, `fingerprint`), so a team's Alertmanager
 *   (or anything that reads its webhooks) routes it like any alert. `passed` is `resolved`, every
 *   other event `firing`; a firing alert's `endsAt` is Alertmanager's zero time.
 * - `slack`: incoming-webhook JSON (`text` plus one mrkdwn section block).
 * - `webhook`: a plain JSON document; the sender signs the exact body with HMAC-SHA256.
 */
import { createHash } from 'node:crypto';
import type { NotificationEvent } from '@drillbook/contracts';

export interface Note {
  event: NotificationEvent;
  service: string;
  runbook: string;
  drillId: string | null;
  /** One line for people. */
  summary: string;
  /** Extra facts (score, reasons, schedule, approval). */
  details: Record<string, string>;
  at: string;
  /** A link to the drill or the approval, when there is one. */
  url?: string;
}

export const ZERO_TIME = '0001-01-01T00:00:00Z';
const SEVERITY: Record<NotificationEvent, string> = { started: 'info', passed: 'info', 'pending-approval': 'info', failed: 'warning', aborted: 'warning', regressed: 'warning', missed: 'warning' };

export function fingerprint(labels: Record<string, string>): string {
  const text = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\xff');
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

export function alertmanagerPayload(receiver: string, n: Note, externalURL: string) {
  const labels: Record<string, string> = { alertname: 'DrillbookGameDay', event: n.event, service: n.service, runbook: n.runbook, severity: SEVERITY[n.event] };
  if (n.drillId) labels.drill = n.drillId;
  const status = n.event === 'passed' ? 'resolved' : 'firing';
  const annotations: Record<string, string> = { summary: n.summary, ...n.details };
  const groupLabels = { alertname: 'DrillbookGameDay', service: n.service };
  return {
    version: '4',
    groupKey: `{}:{alertname="DrillbookGameDay", service="${n.service}"}`,
    truncatedAlerts: 0,
    status,
    receiver,
    groupLabels,
    commonLabels: labels,
    commonAnnotations: annotations,
    externalURL,
    alerts: [{ status, labels, annotations, startsAt: n.at, endsAt: status === 'resolved' ? n.at : ZERO_TIME, generatorURL: n.url ?? externalURL, fingerprint: fingerprint(labels) }],
  };
}

const EMOJI: Record<NotificationEvent, string> = { started: ':arrow_forward:', passed: ':white_check_mark:', failed: ':x:', aborted: ':octagonal_sign:', regressed: ':chart_with_downwards_trend:', missed: ':warning:', 'pending-approval': ':hourglass:' };

export function slackPayload(n: Note) {
  const facts = Object.entries(n.details).map(([k, v]) => `*${k}*: ${v}`);
  const text = `${EMOJI[n.event]} Drillbook ${n.event}: ${n.summary}`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: [text, ...facts, ...(n.url ? [`<${n.url}|open in Drillbook>`] : [])].join('\n') } }] };
}

export function webhookPayload(n: Note) {
  return { source: 'drillbook', ...n };
}
