/** Errors of the controller service: bad configuration (located) and API errors (status + field). */
import { DrillError } from '../errors.js';

export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  /** Field path, e.g. `services[0].gateway.url`. */
  path: string;
  message: string;
}

export const formatConfigProblem = (p: ConfigProblem) => `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`;

export class InvalidConfig extends DrillError {
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid controller configuration:\n${problems.map(formatConfigProblem).join('\n')}`);
  }
}

/** An error the API answers with: HTTP status, message, and the request field it is about. */
export class ApiError extends DrillError {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly details?: Array<{ field: string; message: string }>,
  ) {
    super(message);
  }

  /** Set once the refusal is in the audit log (so the HTTP layer does not record it twice). */
  audited = false;
}
