import { ResponseError } from '@backstage/errors';
import type { ApiErrorBody } from '@drillbook/contracts';

/** Thrown when the controller (or the proxy in front of it) could not be reached at all. */
export class ControllerUnreachableError extends Error {
  readonly url: string;
  constructor(url: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`could not reach the Drillbook controller at ${url}: ${reason}`, { cause });
    this.name = 'ControllerUnreachableError';
    this.url = url;
  }
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && typeof (value as ApiErrorBody).error === 'string';
}

function isBackstageErrorBody(value: unknown): value is { error: { name: string; message: string }; response: { statusCode: number } } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { error?: { message?: unknown }; response?: unknown };
  return typeof v.error === 'object' && v.error !== null && typeof v.error.message === 'string' && typeof v.response === 'object';
}

function describeApiError(body: ApiErrorBody): string {
  const field = body.field ? ` (field ${body.field})` : '';
  const details = body.details?.length ? `: ${body.details.map(d => `${d.field}: ${d.message}`).join('; ')}` : '';
  return `${body.error}${field}${details}`;
}

/**
 * Turns a failed controller response into a Backstage `ResponseError` whose cause carries the
 * controller's own message (`ApiErrorBody.error`), so `ResponseErrorPanel` shows something readable.
 * Consumes the response body.
 */
export async function toResponseError(response: Response, method: string, url: string): Promise<ResponseError> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  let body: unknown;
  if (isBackstageErrorBody(parsed)) {
    body = parsed;
  } else {
    const message = isApiErrorBody(parsed)
      ? describeApiError(parsed)
      : `${response.status} ${response.statusText}${text ? `: ${text.trim().slice(0, 300)}` : ''}`;
    body = {
      error: { name: 'DrillbookApiError', message },
      request: { method, url },
      response: { statusCode: response.status },
    };
  }
  const serialized = JSON.stringify(body);
  return ResponseError.fromResponse({
    ok: response.ok,
    status: response.status,
    statusText: response.statusText,
    redirected: response.redirected,
    type: response.type,
    url: response.url || url,
    headers: new Headers({ 'content-type': 'application/json' }),
    text: async () => serialized,
  });
}

/** A headline and a sentence for people, whatever went wrong between the browser and the controller. */
export function describeDrillbookError(error: unknown): { title: string; message: string; status?: number } {
  if (error instanceof ControllerUnreachableError) {
    return {
      title: 'Drillbook controller unreachable',
      message: `${error.message}. Check that the controller is running and that the Backstage proxy entry for Drillbook points at it.`,
    };
  }
  if (ResponseError.is(error)) {
    const status = error.statusCode;
    const detail = error.cause?.message ?? error.message;
    if (status === 502 || status === 503 || status === 504) {
      return { status, title: 'Drillbook controller unreachable', message: `The proxy could not reach the drill controller (${status} ${error.statusText}): ${detail}` };
    }
    if (status === 401) return { status, title: 'Not authenticated with the Drillbook controller', message: `The controller refused the proxy's token (401): ${detail}` };
    if (status === 403) return { status, title: 'Not allowed', message: `The controller refused this operation (403): ${detail}` };
    if (status === 404) return { status, title: 'Not found in Drillbook', message: detail };
    if (status === 409) return { status, title: 'Conflict', message: detail };
    if (status === 423) return { status, title: 'Emergency stop is active', message: detail };
    return { status, title: `Drillbook controller error (${status})`, message: detail };
  }
  if (error instanceof Error) return { title: 'Drillbook error', message: error.message };
  return { title: 'Drillbook error', message: String(error) };
}
