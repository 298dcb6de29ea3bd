import type { ApiErrorBody } from '@drillbook/contracts';

export type ApiErrorKind =
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'locked'
  | 'invalid'
  | 'unreachable'
  | 'unexpected';

/**
 * Who answered with the error: the drill controller (an `ApiErrorBody`), or Grafana itself
 * (plugin proxy: route role check, missing settings, controller unreachable).
 */
export type ErrorOrigin = 'controller' | 'grafana' | 'network';

/** One error type for every failed call to the controller through the plugin proxy. */
export class DrillbookApiError extends Error {
  override readonly name = 'DrillbookApiError';

  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
    readonly origin: ErrorOrigin,
    readonly body: ApiErrorBody | null = null,
    options?: { cause?: unknown }
  ) {
    super(message, options);
  }

  get kind(): ApiErrorKind {
    switch (this.status) {
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

  /** Reads the error body of a failed response: controller `{error, field}` or Grafana `{message}`. */
  static async fromResponse(res: Response, path: string): Promise<DrillbookApiError> {
    let text = '';
    try {
      text = await res.text();
    } catch {
      // body unreadable: keep the status line
    }
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      parsed = null;
    }
    if (isApiErrorBody(parsed)) {
      const field = parsed.field ? ` (field ${parsed.field})` : '';
      return new DrillbookApiError(`${parsed.error}${field}`, res.status, path, 'controller', parsed);
    }
    if (parsed && typeof parsed === 'object' && typeof (parsed as { message?: unknown }).message === 'string') {
      return new DrillbookApiError((parsed as { message: string }).message, res.status, path, 'grafana');
    }
    const snippet = text.trim().slice(0, 200);
    const statusText = res.statusText || `HTTP ${res.status}`;
    return new DrillbookApiError(snippet ? `${statusText}: ${snippet}` : statusText, res.status, path, 'grafana');
  }
}

function isApiErrorBody(v: unknown): v is ApiErrorBody {
  return !!v && typeof v === 'object' && typeof (v as { error?: unknown }).error === 'string';
}

export interface ErrorDescription {
  title: string;
  detail: string;
}

/** What the pages show for an error: a title that says what went wrong and what to do. */
export function describeError(err: unknown, action: string): ErrorDescription {
  if (!(err instanceof DrillbookApiError)) {
    const message = err instanceof Error ? err.message : String(err);
    return { title: `Could not ${action}`, detail: message };
  }
  const fromGrafana = err.origin === 'grafana';
  switch (err.kind) {
    case 'forbidden':
      return fromGrafana
        ? {
            title: `Your Grafana role may not ${action}`,
            detail: `Grafana refused the request (${err.message}). Launching and aborting drills needs the Editor role; releasing the emergency stop needs Admin.`,
          }
        : {
            title: `The controller refused to ${action}`,
            detail: `The controller token configured for this app lacks the permission: ${err.message}. Ask an admin for an operator token.`,
          };
    case 'unauthenticated':
      return {
        title: 'The controller rejected the app token',
        detail: `${err.message}. An admin can set a valid token on the app's Configuration page.`,
      };
    case 'conflict':
      return { title: `Could not ${action}: conflict`, detail: err.message };
    case 'locked':
      return {
        title: `Could not ${action}: emergency stop is active`,
        detail: `${err.message}. No drill can start until an admin releases the emergency stop.`,
      };
    case 'not-found':
      return { title: `Could not ${action}: not found`, detail: err.message };
    case 'invalid':
      return { title: `Could not ${action}: invalid request`, detail: err.message };
    case 'unreachable':
      return {
        title: 'The drill controller did not answer',
        detail: `${err.message}. Check the controller URL on the app's Configuration page and that \`drillbook serve\` is running.`,
      };
    default:
      return { title: `Could not ${action} (HTTP ${err.status})`, detail: err.message };
  }
}
