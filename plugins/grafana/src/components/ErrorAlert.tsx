import React from 'react';
import { Alert, Button } from '@grafana/ui';
import { describeError } from './describeError';

/** An error from the controller or Grafana, said in words, with an optional retry. */
export function ErrorAlert({ error, action, onRetry }: { error: unknown; action: string; onRetry?: () => void }) {
  const { title, detail } = describeError(error, action);
  return (
    <Alert title={title} severity="error">
      <div>{detail}</div>
      {onRetry && (
        <Button size="sm" variant="secondary" onClick={onRetry} style={{ marginTop: 8 }}>
          Retry
        </Button>
      )}
    </Alert>
  );
}
