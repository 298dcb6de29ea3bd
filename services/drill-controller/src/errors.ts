/** One error hierarchy for the drill controller. */

export class DrillError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A problem in a runbook file, located: file, line, column, field path, what was expected. */
export interface RunbookProblem {
  file: string;
  line: number;
  column: number;
  /** JSON-pointer-like path, e.g. `steps[2].ttl`; empty for the document. */
  path: string;
  message: string;
}

export function formatProblem(p: RunbookProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.path ? `${p.path}: ` : ''}${p.message}`;
}

export class InvalidRunbook extends DrillError {
  constructor(readonly problems: RunbookProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

export class PreflightFailed extends DrillError {}

export class StepFailed extends DrillError {
  constructor(
    readonly step: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`step "${step}": ${message}`, options);
  }
}

export class DrillAborted extends DrillError {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`drill aborted (${source}): ${reason}`);
  }
}

export class TargetError extends DrillError {}
