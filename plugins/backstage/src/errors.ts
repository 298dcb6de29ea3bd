import { DrillbookApiError } from '@drillbook/client';

/**
 * A headline and a sentence for people, whatever went wrong between the browser and the controller.
 * The kind of error comes from the shared client (`DrillbookApiError.kind`); only the advice is Backstage's.
 */
export function describeDrillbookError(error: unknown): { title: string; message: string; status?: number } {
  if (error instanceof DrillbookApiError) {
    const status = error.status;
    switch (error.kind) {
      case 'unreachable':
        return status === 0
          ? { title: 'Drillbook controller unreachable', message: `${error.message}. Check that the controller is running and that the Backstage proxy entry for Drillbook points at it.` }
          : { status, title: 'Drillbook controller unreachable', message: `The proxy could not reach the drill controller (${status}): ${error.message}` };
      case 'unauthenticated':
        return { status, title: 'Not authenticated with the Drillbook controller', message: `The controller refused the proxy's token (401): ${error.message}` };
      case 'forbidden':
        return { status, title: 'Not allowed', message: `The controller refused this operation (403): ${error.message}` };
      case 'not-found':
        return { status, title: 'Not found in Drillbook', message: error.message };
      case 'conflict':
        return { status, title: 'Conflict', message: error.message };
      case 'locked':
        return { status, title: 'Emergency stop is active', message: error.message };
      case 'invalid':
        return { status, title: 'Invalid request', message: `The controller refused the request as invalid (400): ${error.message}` };
      default:
        return { status, title: `Drillbook controller error (${status})`, message: error.message };
    }
  }
  if (error instanceof Error) return { title: 'Drillbook error', message: error.message };
  return { title: 'Drillbook error', message: String(error) };
}
