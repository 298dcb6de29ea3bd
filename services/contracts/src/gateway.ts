/**
 * Admin API of the gateway in front of the replicas (`/admin/upstreams`, `/admin/canary`),
 * read by the topology runner and the drill engine. Bearer-token auth: 401 without a valid
 * token, 403 for the read-only token on a change.
 */

/** One upstream replica as configured (`PUT /admin/upstreams` body entries). */
export interface GatewayUpstreamSpec {
  id: string;
  /** `http://127.0.0.1:<port>` */
  url: string;
  zone: string;
}

/** `PUT /admin/upstreams` body: the new list replaces the old one (state kept for unchanged id+url). */
export interface GatewayUpstreamsRequest {
  upstreams: GatewayUpstreamSpec[];
}

export interface GatewayUpstreamView extends GatewayUpstreamSpec {
  /** Passes active health checks (`/readyz`). */
  ready: boolean;
  /** Ejected by passive outlier detection (until `ejectedUntil`). */
  ejected: boolean;
  ejectedUntil: string | null;
  /** Ready and not ejected: receives traffic. */
  eligible: boolean;
  /** Times ejected since the gateway started. */
  ejections: number;
  consecutiveFailures: number;
  inFlight: number;
  /** Model reported by the last successful readiness check. */
  model: { name: string; version: string; sha256: string } | null;
  lastCheckAt: string | null;
  /** Why the last check (or the last passive signal) marked it down; null when healthy. */
  lastError: string | null;
}

/** `GET /admin/upstreams` and the answer of `PUT /admin/upstreams`. */
export interface GatewayUpstreamsResponse {
  upstreams: GatewayUpstreamView[];
}

/** `POST /admin/canary` body. */
export interface CanaryStartRequest {
  /** Candidate model version. */
  version: string;
  /** Share of traffic routed to replicas serving the candidate, 0 < weight <= 1. */
  weight: number;
  /**
   * Replicas that should serve the candidate: ids, or a count taken from the ready baseline replicas.
   * Omitted: the replicas already serving `version`, or else one replica. The gateway deploys the
   * candidate to them through the replica admin API (`POST /admin/model`).
   */
  replicas?: string[] | number;
}

/** Figures of one cohort (baseline or candidate) since the canary started, counted per attempt. */
export interface CanaryCohortFigures {
  samples: number;
  errors: number;
  errorRate: number;
  degradedRate: number;
  p99Ms: number | null;
  /** Requests that carried `x-ground-truth` and got a ranking. */
  ndcgSamples: number;
  meanNdcg: number | null;
}

export type CanaryDecisionKind = 'promote' | 'rollback' | 'abort';

export interface CanaryAction {
  replica: string;
  /** Version deployed on this replica by the decision. */
  version: string;
  ok: boolean;
  error?: string;
}

export interface CanaryDecision {
  decision: CanaryDecisionKind;
  version: string;
  baselineVersion: string;
  startedAt: string;
  decidedAt: string;
  /** Why, one sentence per criterion (error rate, degraded rate, p99, NDCG@10). */
  reasons: string[];
  figures: { baseline: CanaryCohortFigures; candidate: CanaryCohortFigures };
  actions: CanaryAction[];
}

export interface CanaryActiveView {
  version: string;
  /** The last good version: what every replica goes back to on rollback. */
  baselineVersion: string;
  weight: number;
  startedAt: string;
  phase: 'analysing' | 'promoting' | 'rolling_back';
  /** False when the gateway runs with `canaryAnalysis: false` (routing and figures only). */
  analysis: boolean;
  candidateReplicas: string[];
  figures: { baseline: CanaryCohortFigures; candidate: CanaryCohortFigures };
  /** What the analysis is still waiting for before it decides. */
  waitingFor: string[];
}

/** `GET /admin/canary` (also the answer of POST / DELETE). Decisions are newest last. */
export interface CanaryView {
  active: CanaryActiveView | null;
  decisions: CanaryDecision[];
}
