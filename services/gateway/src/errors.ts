/**
 * One error hierarchy for the gateway. Every error says what went wrong and where (config key,
 * request field, upstream id) so the operator does not have to guess.
 */
export class GatewayError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A config value is missing, of the wrong type or out of range. `key` is its dotted path, e.g. `healthCheck.intervalMs`. */
export class ConfigError extends GatewayError {
  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(`config key "${key}": ${detail}`);
  }
}

/** A client request (admin body, fallback body) is invalid; `field` names the offending field. Answered with 4xx. */
export class BadRequestError extends GatewayError {
  constructor(
    readonly field: string,
    detail: string,
    readonly status = 400,
  ) {
    super(detail);
  }
}

/** The requested change cannot be made in the current state (e.g. a canary is already running). Answered with 409. */
export class ConflictError extends GatewayError {}

export type UpstreamFailureKind = 'connect_error' | 'timeout' | 'server_error';

/** One attempt against an upstream failed (connection error, timeout or 5xx). `code` is the socket error code, e.g. `ECONNREFUSED`. */
export class UpstreamError extends GatewayError {
  readonly code: string | undefined;
  constructor(
    readonly upstream: string,
    readonly kind: UpstreamFailureKind,
    detail: string,
    options: { cause?: unknown; code?: string } = {},
  ) {
    super(`upstream "${upstream}": ${detail}`, { cause: options.cause });
    this.code = options.code;
  }
}

/** A call to a replica's admin API (deploy / rollback) failed. */
export class ReplicaAdminError extends GatewayError {
  constructor(
    readonly upstream: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`replica "${upstream}" admin call failed: ${detail}`, options);
  }
}
