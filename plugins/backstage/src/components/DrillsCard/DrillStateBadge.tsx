import React from 'react';
import { StatusAborted, StatusError, StatusOK, StatusPending, StatusRunning, StatusWarning } from '@backstage/core-components';
import { stateTone } from '@drillbook/client';

/**
 * A drill's state with the status colour Backstage uses everywhere else. The tone comes from the
 * shared client: `invalid` and `inconclusive` are warnings (the drill says nothing about the
 * service), never the error colour of `failed`.
 */
export function DrillStateBadge({ state }: { state: string }) {
  switch (stateTone(state)) {
    case 'success':
      return <StatusOK>{state}</StatusOK>;
    case 'error':
      return <StatusError>{state}</StatusError>;
    case 'warning':
      return <StatusWarning>{state}</StatusWarning>;
    case 'stopped':
      return state === 'aborted' ? <StatusAborted>{state}</StatusAborted> : <StatusWarning>{state}</StatusWarning>;
    case 'live':
      return <StatusRunning>{state}</StatusRunning>;
    default:
      return <StatusPending>{state}</StatusPending>;
  }
}
