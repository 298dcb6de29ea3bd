import React from 'react';
import { TextLink } from '@grafana/ui';
import { onCallHref, recommendActions, type ObjectiveResult } from '@drillbook/contracts';
import type { ObjectiveRow } from '../../frames/model';

/** The contracts' rule table applied to the scorecard's missed objectives; each action links its on-call section. */
export function RecommendedActions({ objectives }: { objectives: ObjectiveRow[] | null }) {
  if (!objectives) return null;
  const findings = recommendActions({ objectives: objectives as unknown as ObjectiveResult[] });
  if (!findings.length) return null;
  return (
    <div data-testid="drillbook-scorecard-actions">
      <strong>Recommended actions</strong>
      <ul>
        {findings.map((f) => (
          <li key={f.rule}>
            {f.finding} ({f.objectives.join(', ')})
            <ul>
              {f.actions.map((a) => (
                <li key={a.id}>
                  {a.action}{' '}
                  <TextLink href={onCallHref(a)} external inline>
                    on-call: {a.onCall.split('#')[1]}
                  </TextLink>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
