/** One error hierarchy for the fault proxy. Bad API input reuses the replicas' BadRequest (same 4xx shape). */
export { BadRequest } from '@drillbook/inference/errors';

export class ProxyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad option or config value; `key` names it (`--upstream`, `listen`). */
export class ConfigError extends ProxyError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}
