/**
 * Fault providers of a runbook's target (`target.providers`) and the steps that act through them.
 *
 * A target declares which providers it offers beyond the reference replicas' own admin API:
 * - `proxy`: a `drillbook proxy` in front of (or beside) the service; `proxy.fault` / `proxy.clear`
 *   steps inject and clear its HTTP faults (latency, error, reset, hang, bandwidth, corrupt);
 * - `process`: an allow-list of host processes a `host.process` step may signal (SIGKILL, SIGTERM,
 *   SIGSTOP, SIGCONT) or restart; nothing outside the list is ever touched.
 *
 * Strings in provider configs may name environment variables as `${NAME}`; they are expanded when
 * the drill runs (never at validation), so one runbook serves hosts with different ports and paths.
 * The JSON Schemas here are normative; `schemas.ts` embeds them in the runbook schema.
 */
import type { ProxyFaultRequest } from './proxyFaults.js';
import { step } from './stepSchemaBase.js';
import { MAX_DURATION_MS } from './limits.js';

/** The proxy provider: where its fault API is and which environment variable holds its admin token. */
export interface ProxyProviderConfig {
  /** Base URL of the proxy's fault API, e.g. `http://127.0.0.1:8090/admin` (its admin prefix included). */
  adminUrl: string;
  /** Environment variable holding the proxy's admin token (never the token itself). */
  adminTokenEnv: string;
}

/** One process a drill may act on. Exactly one selector: `pidFile`, `systemdUnit` or `commandMatch`. */
export interface ProcessAllowEntry {
  /** The name steps use (`process: model-server`). */
  name: string;
  /** A file holding the pid (re-read on every action: a supervisor rewrites it on restart). */
  pidFile?: string;
  /** A systemd unit (`triton.service`): its MainPID; restart through `systemctl restart`. Refused where systemd is not running. */
  systemdUnit?: string;
  /** A substring of the process's command line (`/proc/<pid>/cmdline`, arguments joined by spaces); exactly one process must match. */
  commandMatch?: string;
  /** `restart` for a pid file or command match: this command (argv, no shell) is started detached after SIGTERM. Without it, restart waits for the process's own supervisor. */
  restartCommand?: string[];
  /** URL answering 200 when the process serves again (readiness evidence after a kill or restart). */
  readyUrl?: string;
}

export interface ProcessProviderConfig {
  allow: ProcessAllowEntry[];
}

export interface TargetProviders {
  proxy?: ProxyProviderConfig;
  process?: ProcessProviderConfig;
}

interface ProviderStepBase {
  name: string;
  phase?: 'fault' | 'recovery';
  description?: string;
  continueOnFailure?: boolean;
}

/** What a `proxy.fault` step sends: a proxy fault without its TTL and note (the step's `ttl` and the drill fill them in). */
export type ProxyFaultSpec = ProxyFaultRequest extends infer F ? (F extends unknown ? Omit<F, 'ttlMs' | 'note'> : never) : never;

/** Inject one fault at the target's fault proxy; it expires by itself after `ttl`. */
export interface ProxyFaultStep extends ProviderStepBase {
  kind: 'proxy.fault';
  fault: ProxyFaultSpec;
  ttl: string;
}
/** Clear the proxy faults this drill injected (all, or of one type). */
export interface ProxyClearStep extends ProviderStepBase {
  kind: 'proxy.clear';
  type?: ProxyFaultRequest['type'];
}

export const HOST_PROCESS_ACTIONS = ['kill', 'terminate', 'pause', 'resume', 'restart'] as const;
export type HostProcessAction = (typeof HOST_PROCESS_ACTIONS)[number];

/** Signal or restart one allow-listed process: kill = SIGKILL, terminate = SIGTERM, pause = SIGSTOP, resume = SIGCONT. */
export interface HostProcessStep extends ProviderStepBase {
  kind: 'host.process';
  /** A name from `target.providers.process.allow`. */
  process: string;
  action: HostProcessAction;
  /** How long to wait for the evidence (pid gone, new pid, ready again). Default 30s. */
  within?: string;
}

export type ProviderStep = ProxyFaultStep | ProxyClearStep | HostProcessStep;
export const PROVIDER_STEP_KINDS = ['proxy.fault', 'proxy.clear', 'host.process'] as const;

/** Which provider a journaled fault went through, with what undo needs when only the journal is left. */
export type ProviderRef =
  | { kind: 'replica' }
  | { kind: 'proxy'; adminUrl: string; adminTokenEnv: string }
  | { kind: 'process'; name: string; pid: number; action: HostProcessAction }
  | { kind: 'kubernetes' };

// ---------------------------------------------------------------------------------------------
// JSON Schemas (draft-07), embedded by schemas.ts.

const duration = {
  type: 'string',
  pattern: '^[0-9]{1,9}(\\.[0-9]{1,6})?(ms|s|m|h)$',
  durationMaxMs: MAX_DURATION_MS,
  description: 'a duration such as "500ms", "30s", "2m" or "1h" (at most 24h)',
} as const;
const url = { type: 'string', pattern: '^(https?://|\\$\\{)', maxLength: 2048, description: 'an http:// or https:// URL (or one starting with ${ENV})' } as const;
const envName = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 128, description: 'an environment variable name' } as const;
const processName = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 63, description: 'a lowercase name (a-z, 0-9, -)' } as const;

export const targetProvidersSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    proxy: {
      type: 'object',
      additionalProperties: false,
      required: ['adminUrl', 'adminTokenEnv'],
      properties: { adminUrl: url, adminTokenEnv: envName },
    },
    process: {
      type: 'object',
      additionalProperties: false,
      required: ['allow'],
      properties: {
        allow: {
          type: 'array',
          minItems: 1,
          maxItems: 64,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name'],
            properties: {
              name: processName,
              pidFile: { type: 'string', minLength: 1, maxLength: 4096 },
              systemdUnit: { type: 'string', pattern: '^[A-Za-z0-9:_.@\\\\-]+$', maxLength: 256, description: 'a systemd unit name' },
              commandMatch: { type: 'string', minLength: 3, maxLength: 4096 },
              restartCommand: { type: 'array', minItems: 1, maxItems: 64, items: { type: 'string', minLength: 1, maxLength: 4096 } },
              readyUrl: url,
            },
            // Exactly one of pidFile / systemdUnit / commandMatch: checked by the controller's runbook rules (a located message).
          },
        },
      },
    },
  },
} as const;

/**
 * A proxy fault in a runbook: the proxy's own request schema (contracts/proxyFaults.ts) is checked
 * by the proxy and again by validation (providers/proxy in the controller) with its field named;
 * here only its shape: a mapping with a known `type` (`ttlMs` and `note` are refused there too: the
 * step's `ttl` and the drill fill them in).
 */
const proxyFault = {
  type: 'object',
  required: ['type'],
  properties: { type: { enum: ['latency', 'error', 'reset', 'hang', 'bandwidth', 'corrupt'] } },
} as const;

export const providerStepSchemas = [
  step('proxy.fault', ['fault', 'ttl'], { fault: proxyFault, ttl: duration }),
  step('proxy.clear', [], { type: { enum: ['latency', 'error', 'reset', 'hang', 'bandwidth', 'corrupt'] } }),
  step('host.process', ['process', 'action'], { process: processName, action: { enum: [...HOST_PROCESS_ACTIONS] }, within: duration }),
];
