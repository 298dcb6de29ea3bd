import React from 'react';
import { StatusAborted, StatusError, StatusOK, StatusPending, StatusRunning, StatusWarning } from '@backstage/core-components';
import type { DrillState } from '@drillbook/contracts';

/** A drill's state with the status colour Backstage uses everywhere else. */
export function DrillStateBadge({ state }: { state: DrillState | string }) {
  switch (state) {
    case 'passed':
      return <StatusOK>passed</StatusOK>;
    case 'failed':
      return <StatusError>failed</StatusError>;
    case 'invalid':
      return <StatusError>invalid</StatusError>;
    case 'aborted':
      return <StatusAborted>aborted</StatusAborted>;
    case 'interrupted':
      return <StatusWarning>interrupted</StatusWarning>;
    case 'running':
      return <StatusRunning>running</StatusRunning>;
    default:
      return <StatusPending>{state}</StatusPending>;
  }
}
