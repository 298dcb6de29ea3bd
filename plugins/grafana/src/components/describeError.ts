import { DrillbookApiError } from '@drillbook/client';

export interface ErrorDescription {
  title: string;
  detail: string;
}

/**
 * What the pages show for an error: a title that says what went wrong and what to do in Grafana.
 * The kind of error comes from the shared client (`DrillbookApiError.kind`); only the advice is Grafana's.
 */
export function describeError(err: unknown, action: string): ErrorDescription {
  if (!(err instanceof DrillbookApiError)) {
    const message = err instanceof Error ? err.message : String(err);
    return { title: `Could not ${action}`, detail: message };
  }
  switch (err.kind) {
    case 'forbidden':
      return err.origin === 'proxy'
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
