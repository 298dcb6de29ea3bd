/**
 * One error hierarchy for the alerts package. Errors about a spec name the file, the line and column,
 * and the field path, so `npm run gen` output points straight at what to fix.
 */

export class AlertsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface SpecLocation {
  file: string;
  /** 1-based; 0 when the position is unknown. */
  line: number;
  /** 1-based; 0 when the position is unknown. */
  column: number;
  /** Field path such as `spec.objectives[0].target`; empty for the document itself. */
  path: string;
}

export interface SpecProblem extends SpecLocation {
  message: string;
}

export function formatProblem(p: SpecProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return p.path ? `${where}: ${p.path}: ${p.message}` : `${where}: ${p.message}`;
}

/** An SLO spec that cannot be used: every problem found, each located. */
export class InvalidSloSpec extends AlertsError {
  readonly problems: SpecProblem[];
  constructor(problems: SpecProblem[]) {
    super(
      problems.length === 1
        ? `invalid SLO spec: ${formatProblem(problems[0])}`
        : `invalid SLO specs (${problems.length} problems):\n${problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    );
    this.problems = problems;
  }
}

/** The generator could not produce rules or tests from a valid spec (a bug or an unsupported shape). */
export class GenerationError extends AlertsError {}

/** A real Prometheus could not be started, queried or stopped. */
export class PrometheusError extends AlertsError {}

/** The Prometheus HTTP API answered with `status: "error"`. */
export class PrometheusQueryError extends PrometheusError {
  readonly errorType: string;
  readonly query: string;
  constructor(query: string, errorType: string, message: string) {
    super(`query ${JSON.stringify(query)} failed: ${errorType}: ${message}`);
    this.errorType = errorType;
    this.query = query;
  }
}
