/**
 * The `gameDays` section of the controller configuration (schema and defaults):
 *
 * ```yaml
 * gameDays:
 *   tickS: 15                 # how often the scheduler looks for due runs
 *   missedAfterS: 120         # an occurrence older than this when first seen is recorded missed, not run
 *   approvals:
 *     services: [recsys-reference]   # drills on these services wait for a second person
 *     expiryS: 3600
 *   notifications:
 *     externalURL: https://drillbook.example.com
 *     maxAttempts: 5
 *     backoffMs: 1000
 *     timeoutMs: 5000
 *     receivers:
 *       - { name: team-am, kind: alertmanager, url: http://alertmanager:9093/api/v2/... }
 *       - { name: slack, kind: slack, url: https://hooks.slack.com/services/..., events: [failed, regressed, missed] }
 *       - { name: audit-hook, kind: webhook, url: https://hooks.example.com/drillbook, secretEnv: DRILLBOOK_WEBHOOK_SECRET }
 *   regression:
 *     history: 5              # compare with this many recent passed drills of the same (service, runbook)
 *     scoreDrop: 10           # points below the recent median
 *     worseRatio: 0.25        # time to recover / budget burned more than 25% above the recent median
 *   resilience:
 *     halfLifeDays: 30        # a runbook's weight halves for every 30 days without a run
 * ```
 */
import { NOTIFICATION_EVENTS, type NotificationEvent, type ReceiverKind } from '@drillbook/contracts';

const url = { type: 'string', pattern: '^https?://[^\\s]+$', description: 'an http(s) URL' } as const;
const nonEmpty = { type: 'string', minLength: 1 } as const;

export const gameDaysSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tickS: { type: 'number', minimum: 1, maximum: 3600 },
    missedAfterS: { type: 'number', minimum: 1 },
    approvals: { type: 'object', additionalProperties: false, properties: { services: { type: 'array', items: nonEmpty }, expiryS: { type: 'number', minimum: 1 } } },
    notifications: {
      type: 'object',
      additionalProperties: false,
      properties: {
        externalURL: url,
        maxAttempts: { type: 'integer', minimum: 1, maximum: 20 },
        backoffMs: { type: 'number', minimum: 1 },
        timeoutMs: { type: 'number', minimum: 100 },
        receivers: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'kind', 'url'],
            properties: { name: nonEmpty, kind: { enum: ['alertmanager', 'slack', 'webhook'] }, url, events: { type: 'array', items: { enum: [...NOTIFICATION_EVENTS] } }, secret: nonEmpty, secretEnv: nonEmpty },
          },
        },
      },
    },
    regression: { type: 'object', additionalProperties: false, properties: { history: { type: 'integer', minimum: 1, maximum: 50 }, scoreDrop: { type: 'number', minimum: 0 }, worseRatio: { type: 'number', minimum: 0 } } },
    resilience: { type: 'object', additionalProperties: false, properties: { halfLifeDays: { type: 'number', minimum: 1 } } },
  },
} as const;

export interface ReceiverConfig {
  name: string;
  kind: ReceiverKind;
  url: string;
  /** Absent: every event. */
  events?: NotificationEvent[];
  /** HMAC-SHA256 key of a `webhook` receiver. */
  secret?: string;
}

export interface GameDaysConfig {
  tickS: number;
  missedAfterS: number;
  approvals: { services: string[]; expiryS: number };
  notifications: { externalURL: string; maxAttempts: number; backoffMs: number; timeoutMs: number; receivers: ReceiverConfig[] };
  regression: { history: number; scoreDrop: number; worseRatio: number };
  resilience: { halfLifeDays: number };
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Defaults applied to a schema-valid section. A webhook secret named by `secretEnv` must be set. */
export function gameDaysConfig(raw: Raw | undefined, env: NodeJS.ProcessEnv = process.env): GameDaysConfig {
  const r = raw ?? {};
  const n = r.notifications ?? {};
  return {
    tickS: r.tickS ?? 15,
    missedAfterS: r.missedAfterS ?? 120,
    approvals: { services: r.approvals?.services ?? [], expiryS: r.approvals?.expiryS ?? 3600 },
    notifications: {
      externalURL: (n.externalURL ?? 'http://127.0.0.1:7070').replace(/\/+$/, ''),
      maxAttempts: n.maxAttempts ?? 5,
      backoffMs: n.backoffMs ?? 1000,
      timeoutMs: n.timeoutMs ?? 5000,
      receivers: (n.receivers ?? []).map((x: Raw, i: number) => {
        let secret = x.secret as string | undefined;
        if (x.secretEnv) {
          secret = env[x.secretEnv];
          if (!secret) throw new Error(`gameDays.notifications.receivers[${i}].secretEnv: environment variable ${x.secretEnv} is not set`);
        }
        if (x.kind === 'webhook' && !secret) throw new Error(`gameDays.notifications.receivers[${i}]: a webhook receiver needs "secret" or "secretEnv" (its requests are signed with HMAC-SHA256)`);
        return { name: x.name, kind: x.kind, url: x.url, ...(x.events ? { events: x.events } : {}), ...(secret ? { secret } : {}) };
      }),
    },
    regression: { history: r.regression?.history ?? 5, scoreDrop: r.regression?.scoreDrop ?? 10, worseRatio: r.regression?.worseRatio ?? 0.25 },
    resilience: { halfLifeDays: r.resilience?.halfLifeDays ?? 30 },
  };
}
