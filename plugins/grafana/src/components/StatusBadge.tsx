import React from 'react';
import { Badge, type BadgeColor, type IconName } from '@grafana/ui';

const STYLE: Record<string, { color: BadgeColor; icon: IconName }> = {
  passed: { color: 'green', icon: 'check' },
  failed: { color: 'red', icon: 'times' },
  aborted: { color: 'orange', icon: 'ban' },
  interrupted: { color: 'purple', icon: 'exclamation-triangle' },
  invalid: { color: 'darkgrey', icon: 'question-circle' },
  inconclusive: { color: 'darkgrey', icon: 'question-circle' },
  running: { color: 'blue', icon: 'sync' },
  queued: { color: 'blue', icon: 'clock-nine' },
  unknown: { color: 'darkgrey', icon: 'question-circle' },
};

/** A drill's state as a coloured badge whose text is the state itself. */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  const s = STYLE[status] ?? STYLE.unknown;
  return <Badge text={status} color={s.color} icon={s.icon} data-testid={testId} />;
}
