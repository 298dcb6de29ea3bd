import React from 'react';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { onCallHref, recommendActions, type Scorecard } from '@drillbook/contracts';

/**
 * A drill's missed objectives mapped to recommended actions by the contracts' rule table, each
 * linking its on-call section. Nothing is shown when nothing was missed (the report dialog fetches
 * the scorecard and shows nothing here while loading or when it cannot be read).
 */
export function RecommendedActions({ scorecard }: { scorecard: Scorecard }) {
  const findings = recommendActions(scorecard);
  if (!findings.length) return null;
  return (
    <div data-testid="drillbook-recommended-actions" style={{ padding: '8px 24px' }}>
      <Typography variant="subtitle2">Recommended actions</Typography>
      <ul style={{ margin: 0 }}>
        {findings.map(f => (
          <li key={f.rule}>
            <Typography variant="body2">
              {f.finding} ({f.objectives.join(', ')})
            </Typography>
            <ul>
              {f.actions.map(a => (
                <li key={a.id}>
                  <Typography variant="body2">
                    {a.action}{' '}
                    <Link href={onCallHref(a)} target="_blank" rel="noopener">
                      on-call: {a.onCall.split('#')[1]}
                    </Link>
                  </Typography>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
