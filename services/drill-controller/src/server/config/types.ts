import type { PromqlSli } from '../../catalogue/promqlSlis.js';
/** The controller's configuration after parsing, defaults applied. See controller.example.yaml. */
import type { TargetProtocol, Role } from '@drillbook/contracts';
import type { GameDaysConfig } from '../../gameday/config.js';

export interface TokenConfig {
  /** Who the token belongs to (the audit log's "who"). */
  name: string;
  /** Hex sha256 of the token; the token itself is never stored. */
  sha256: string;
  role: Role;
  /** Services the token may launch and abort drills on; `*` for all. */
  services: string[];
  /** A trusted front end that may act on behalf of people: `headers` (X-Drillbook-On-Behalf-Of) or `grafana` (X-Grafana-User). */
  onBehalfOf?: 'headers' | 'grafana';
}

/** A role (and services) granted to a person or a group, for requests a trusted front end makes on their behalf. */
export interface GrantConfig {
  person?: string;
  group?: string;
  role: Role;
  /** Services the person or group may launch and abort drills on; `*` for all. */
  services: string[];
}

export interface ServiceConfig {
  id: string;
  title: string;
  owner: string;
  description?: string;
  entityRef?: string;
  tags: string[];
  /** Absent: the service is the controller's embedded reference stack. */
  gateway?: {
    url: string;
    adminToken?: string;
    /** Stack control API (`npm run stack` prints it): process-level faults. */
    controlUrl?: string;
    /** Load sessions file (drill traffic templates). */
    sessionsFile?: string;
    /** How to talk to the service (the runbook's `target.protocol` block); default drillbook. */
    protocol?: TargetProtocol;
  };
  /** Static replica list; otherwise read from the gateway's admin API (needs the admin token). */
  replicas?: Array<{ id: string; zone: string; url: string }>;
  /** SLO names (OpenSLO metadata.name) of this service; default every spec of the service. */
  slos?: string[];
  prometheus: {
    /** Extra label matchers added to the SLO recording-rule queries, e.g. `cluster="eu-1"`. */
    matchers?: string;
    /** Selects the service's replica series (model info, accelerator gauges). */
    replicaSelector: string;
  };
  gpu: {
    /** Label matchers selecting this service's GPUs in DCGM exporter series. */
    dcgmSelector?: string;
  };
  /**
   * SLIs from PromQL over the service's own metrics (a service Drillbook does not instrument, e.g.
   * Triton's nv_inference_request_success/failure): shown in the catalogue beside the spec SLOs.
   */
  slis?: PromqlSli[];
}

export interface ControllerConfig {
  /** The file it came from (null: defaults only). */
  file: string | null;
  listen: { host: string; port: number };
  dataDir: string;
  database: { url?: string };
  runbooks: string[];
  sloSpecs: string;
  refreshIntervalS: number;
  loadEngine: 'auto' | 'builtin' | 'k6';
  prometheus?: { url: string };
  grafana?: { url: string; token: string; dashboardUid?: string };
  cors: { origins: string[] };
  trustProxy: boolean;
  metrics: { public: boolean };
  tokens: TokenConfig[];
  /** Roles granted to people and groups (see `TokenConfig.onBehalfOf`). */
  grants?: GrantConfig[];
  embedded: { replicas: number; zones: string[]; shopperRate: number; items?: number; users?: number; spec?: import('@drillbook/contracts').EmbeddedStackSpec };
  services: ServiceConfig[];
  /** Schedules, blackouts, approvals, notifications, regressions (see src/gameday/README.md). */
  gameDays: GameDaysConfig;
}
