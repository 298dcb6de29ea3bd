import React from 'react';
import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import { onCallHref, recommendActions } from '@drillbook/contracts';
import { drillbookApiRef } from '../../drillbookApi';

/**
 * A drill's missed objectives mapped to recommended actions by the contracts' rule table, each
 * linking its on-call section. Nothing is shown while loading, when nothing was missed, or when the
 * scorecard cannot be read (the HTML report below says the same).
 */
export function RecommendedActions({ drillId }: { drillId: string }) {
  const api = useApi(drillbookApiRef);
  const sc = useAsync(() => api.getScorecard(drillId), [api, drillId]);
  if (!sc.value) return null;
  const findings = recommendActions(sc.value.scorecard);
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
