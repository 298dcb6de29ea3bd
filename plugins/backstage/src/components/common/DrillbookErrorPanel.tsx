import React from 'react';
import { WarningPanel } from '@backstage/core-components';
import { describeDrillbookError } from '../../errors';

/** Readable error for anything that went wrong talking to the controller; never throws. */
export function DrillbookErrorPanel({ error, prefix }: { error: unknown; prefix?: string }) {
  const { title, message } = describeDrillbookError(error);
  return <WarningPanel severity="error" title={prefix ? `${prefix}: ${title}` : title} message={message} defaultExpanded />;
}
