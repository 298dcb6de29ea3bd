import React, { useState } from 'react';
import { css } from '@emotion/css';
import { Link } from 'react-router-dom';
import type { GrafanaTheme2, SelectableValue } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Combobox, Field, LoadingPlaceholder, Stack, TextLink, useStyles2 } from '@grafana/ui';
import type { DrillSummary } from '@drillbook/contracts';
import { DRILL_STATES, type DrillState } from '@drillbook/client';
import { reportHref, useDrillbookApi } from '../drillbookApi';
import { ErrorAlert } from '../components/ErrorAlert';
import { StatusBadge } from '../components/StatusBadge';
import { ROUTES, TEST_IDS, prefixRoute } from '../constants';
import { NO_VALUE, fmtPercent, fmtSeconds } from '../format/format';
import { useLoad } from '../hooks/useLoad';


/** Every drill, newest first, with links to the live page / scorecard and the HTML report. */
export function DrillHistoryPage() {
  const api = useDrillbookApi();
  const styles = useStyles2(getStyles);
  const [service, setService] = useState<string>('');
  const [state, setState] = useState<DrillState | ''>('');
  const [services] = useLoad(() => api.listServices(), [api]);
  const [drills, reload] = useLoad<DrillSummary[]>(
    () => api.listDrills({ service: service || undefined, state: state || undefined, limit: 100 }),
    [api, service, state]
  );
  const serviceOptions: Array<SelectableValue<string> & { value: string }> = [
    { label: 'All services', value: '' },
    ...(services.value ?? []).map((s) => ({ label: s.title, value: s.id })),
  ];
  const stateOptions = [{ label: 'Any state', value: '' }, ...DRILL_STATES.map((s) => ({ label: s, value: s }))];

  return (
    <PluginPage>
      <div data-testid={TEST_IDS.history.root} className={styles.root}>
        <Stack direction="row" gap={2}>
          <Field label="Service">
            <Combobox options={serviceOptions} value={service} onChange={(o) => setService(o?.value ?? '')} width={30} />
          </Field>
          <Field label="State">
            <Combobox options={stateOptions} value={state} onChange={(o) => setState((o?.value ?? '') as DrillState | '')} width={20} />
          </Field>
        </Stack>
        {drills.status === 'error' && <ErrorAlert error={drills.error} action="load the drill history" onRetry={reload} />}
        {drills.status === 'loading' && !drills.value && <LoadingPlaceholder text="Loading drills…" />}
        {drills.value && drills.value.length === 0 && <div className={styles.muted}>No drills match.</div>}
        {drills.value && drills.value.length > 0 && (
          <table className={styles.table}>
            <thead>
              <tr>
                <th>Started</th>
                <th>Service</th>
                <th>Runbook</th>
                <th>State</th>
                <th>Score</th>
                <th>Time to recover</th>
                <th>Budget burned</th>
                <th>Quality</th>
                <th>Links</th>
              </tr>
            </thead>
            <tbody>
              {drills.value.map((d) => {
                const report = reportHref(d);
                return (
                  <tr key={d.id} data-testid={TEST_IDS.history.row}>
                    <td>{(d.startedAt ?? d.createdAt).replace('T', ' ').slice(0, 19)}</td>
                    <td>{d.service}</td>
                    <td>{d.runbook}</td>
                    <td>
                      <StatusBadge status={d.state} />
                      {d.dryRun && <span className={styles.muted}> dry run</span>}
                    </td>
                    <td>{d.score ?? NO_VALUE}</td>
                    <td>{fmtSeconds(d.timeToRecoverS)}</td>
                    <td>{fmtPercent(d.errorBudgetConsumed, 3)}</td>
                    <td>{fmtPercent(d.ndcgRatio, 1)}</td>
                    <td>
                      <Stack direction="row" gap={1}>
                        <Link className={styles.link} to={prefixRoute(`${ROUTES.Drill}/${encodeURIComponent(d.id)}`)}>
                          {d.state === 'running' || d.state === 'queued' ? 'Follow' : 'Scorecard'}
                        </Link>
                        {report && (
                          <TextLink href={report} external inline={false}>
                            Report
                          </TextLink>
                        )}
                      </Stack>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </div>
    </PluginPage>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(2) }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  link: css({ color: theme.colors.text.link }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': { textAlign: 'left', padding: theme.spacing(0.75, 1), borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
});
