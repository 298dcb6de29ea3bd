import type { ApiErrorBody } from '@drillbook/contracts';

/** What went wrong, from the status alone: the one mapping both plugins show. */
export type ApiErrorKind = 'unreachable' | 'invalid' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'locked' | 'unexpected';

/**
 * Who answered with the error: the drill controller (an `ApiErrorBody`), a proxy in front of it
 * (Backstage proxy, Grafana plugin route: their own bodies), nobody (`network`: status 0), or this
 * client itself (`client`: a success answer it could not read, a drill without a report).
 */
export type ErrorOrigin = 'controller' | 'proxy' | 'network' | 'client';

/** One error type for every failed call to the controller, whoever is in between. */
export class DrillbookApiError extends Error {
  override readonly name = 'DrillbookApiError';
  /** HTTP status; 0 when no answer came back at all. */
  readonly status: number;
  readonly method: string;
  readonly url: string;
  readonly origin: ErrorOrigin;
  /** The controller's own error body, when it sent one. */
  readonly body: ApiErrorBody | null;

  constructor(message: string, init: { status: number; method: string; url: string; origin: ErrorOrigin; body?: ApiErrorBody | null; cause?: unknown }) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.method = init.method;
    this.url = init.url;
    this.origin = init.origin;
    this.body = init.body ?? null;
  }

  get kind(): ApiErrorKind {
    return kindOfStatus(this.status);
  }

  /** Worth retrying later: nobody answered, or a proxy/gateway said the controller did not. */
  get retryable(): boolean {
    return this.kind === 'unreachable';
  }

  /** No answer at all (DNS, refused connection, reset): status 0. */
  static network(method: string, url: string, cause: unknown): DrillbookApiError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new DrillbookApiError(`could not reach the Drillbook controller at ${url}: ${reason}`, { status: 0, method, url, origin: 'network', cause });
  }

  /**
   * Reads a failed response (consumes its body): the controller's `{error, field, details}`, a
   * Backstage proxy `{error: {message}}`, a Grafana `{message}`, or the status line and some text.
   */
  static async fromResponse(response: Response, method: string, url: string): Promise<DrillbookApiError> {
    const text = await response.text().catch(() => '');
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    const init = { status: response.status, method, url };
    if (isApiErrorBody(parsed)) {
      return new DrillbookApiError(describeApiErrorBody(parsed), { ...init, origin: 'controller', body: parsed });
    }
    const proxyMessage = proxyErrorMessage(parsed);
    if (proxyMessage !== null) return new DrillbookApiError(proxyMessage, { ...init, origin: 'proxy' });
    const statusLine = response.statusText || `HTTP ${response.status}`;
    const snippet = text.trim().slice(0, 200);
    return new DrillbookApiError(snippet ? `${statusLine}: ${snippet}` : statusLine, { ...init, origin: 'proxy' });
  }
}

export function kindOfStatus(status: number): ApiErrorKind {
  switch (status) {
    case 0:
    case 502:
    case 503:
    case 504:
      return 'unreachable';
    case 400:
      return 'invalid';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 423:
      return 'locked';
    default:
      return 'unexpected';
  }
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as { error?: unknown }).error === 'string';
}

function describeApiErrorBody(body: ApiErrorBody): string {
  const field = body.field ? ` (field ${body.field})` : '';
  const details = body.details?.length ? `: ${body.details.map((d) => `${d.field}: ${d.message}`).join('; ')}` : '';
  return `${body.error}${field}${details}`;
}

/** Backstage's `{error: {name, message}}` or Grafana's `{message}`; null for anything else. */
function proxyErrorMessage(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as { error?: { message?: unknown }; message?: unknown };
  if (typeof v.error === 'object' && v.error !== null && typeof v.error.message === 'string') return v.error.message;
  if (typeof v.message === 'string') return v.message;
  return null;
}
