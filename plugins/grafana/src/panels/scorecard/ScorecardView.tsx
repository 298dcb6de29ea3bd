import React from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, Stack, TextLink, Tooltip, useStyles2, useTheme2 } from '@grafana/ui';
import { TEST_IDS } from '../../constants';
import { StatusBadge } from '../../components/StatusBadge';
import type { AlertRow, ObjectiveRow, ScorecardModel } from '../../frames/model';
import { NO_VALUE, fmtObjective, fmtPercent, fmtSeconds, fmtTime } from '../../format/format';
import type { ObjectiveOrder, ScorecardOptions } from './types';
import { RecommendedActions } from './RecommendedActions';

export interface ScorecardViewProps {
  model: ScorecardModel;
  options: ScorecardOptions;
}

const VERDICT_RANK: Record<ObjectiveRow['verdict'], number> = { missed: 0, inconclusive: 1, 'no-data': 2, unknown: 3, met: 4 };

export function orderObjectives(rows: ObjectiveRow[], order: ObjectiveOrder): ObjectiveRow[] {
  const copy = [...rows];
  if (order === 'missed-first') {
    copy.sort((a, b) => VERDICT_RANK[a.verdict] - VERDICT_RANK[b.verdict]);
  } else if (order === 'contribution') {
    copy.sort((a, b) => (b.maxContribution ?? 0) - (a.maxContribution ?? 0));
  }
  return copy;
}

/** The scorecard of one drill: score and status, timings, budget, quality and every objective. */
export function ScorecardView({ model, options }: ScorecardViewProps) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const scoreColor =
    model.score === null
      ? theme.colors.text.secondary
      : model.score >= options.passMark
        ? theme.colors.success.text
        : model.score >= options.warnMark
          ? theme.colors.warning.text
          : theme.colors.error.text;
  const missing = new Set(model.missing);
  const absent = (field: string) =>
    missing.has(field) ? 'not in the data' : model.source === 'prometheus' ? 'not in the drill metrics' : 'not measured';

  return (
    <div className={styles.root} data-testid={TEST_IDS.scorecard.root}>
      <div className={styles.header}>
        <div className={styles.score} style={{ color: scoreColor }} aria-label="score">
          <span data-testid={TEST_IDS.scorecard.score}>{model.score === null ? NO_VALUE : Math.round(model.score * 10) / 10}</span>
          <span className={styles.scoreMax}>/ 100</span>
        </div>
        <div className={styles.identity}>
          <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
            <StatusBadge status={model.status} testId={TEST_IDS.scorecard.status} />
            <span className={styles.title}>{model.runbookTitle ?? model.runbook ?? 'drill'}</span>
            {model.service && <span className={styles.secondary}>on {model.service}</span>}
          </Stack>
          <div className={styles.secondary}>
            {[model.drillId, model.startedAt !== null ? `started ${fmtTime(model.startedAt)}` : null, model.durationS !== null ? fmtSeconds(model.durationS) : null]
              .filter(Boolean)
              .join(' · ')}
            {model.reportHref && (
              <span>
                {model.drillId || model.startedAt !== null || model.durationS !== null ? ' · ' : ''}
                <TextLink href={model.reportHref} external inline>
                  HTML report
                </TextLink>
              </span>
            )}
          </div>
          {model.statusReason && <div className={styles.reason}>{model.statusReason}</div>}
          {model.abortReason && (
            <div className={cx(styles.reason, styles.abort)}>
              <Icon name="ban" /> aborted by {model.abortReason}
            </div>
          )}
          {model.proofValid === false && (
            <div className={cx(styles.reason, styles.abort)}>
              <Icon name="exclamation-triangle" /> no proof that the fault took effect and the load arrived: the score is not evidence
            </div>
          )}
        </div>
      </div>

      <div className={styles.tiles}>
        {options.showTimings && (
          <>
            <Tile
              label="Time to detect"
              value={fmtSeconds(model.timeToDetectS)}
              hint={model.detectedBy ?? (model.timeToDetectS === null ? absent('timeToDetectS') : undefined)}
            />
            <Tile label="Time to recover" value={fmtSeconds(model.timeToRecoverS)} hint={model.timeToRecoverS === null ? absent('timeToRecoverS') : undefined} />
          </>
        )}
        {options.showBudget && (
          <Tile
            label="Error budget burned"
            value={fmtPercent(model.errorBudgetConsumed, 3)}
            hint={model.errorBudgetSlo ?? (model.errorBudgetConsumed === null ? absent('errorBudgetConsumed') : undefined)}
          />
        )}
        {options.showQuality && (
          <>
            <Tile
              label="Ranking quality"
              value={fmtPercent(model.ndcgRatio, 1)}
              hint={
                model.ndcgRatio === null
                  ? absent('ndcgRatio')
                  : model.drillNdcg10 !== null && model.baselineNdcg10 !== null
                    ? `NDCG@10 ${model.drillNdcg10.toFixed(3)} vs baseline ${model.baselineNdcg10.toFixed(3)}`
                    : 'served NDCG@10 over the baseline'
              }
            />
            {model.degradedShare !== null && <Tile label="Served degraded" value={fmtPercent(model.degradedShare, 1)} hint="popularity fallback share" />}
          </>
        )}
      </div>

      {options.showObjectives && <Objectives model={model} order={options.objectiveOrder} />}
      {options.showObjectives && <RecommendedActions objectives={model.objectives} />}
      {options.showTimings && model.alerts && model.alerts.length > 0 && <AlertTimeline alerts={model.alerts} />}

      {(model.notes.length > 0 || model.missing.length > 0) && (
        <div className={styles.notes}>
          {model.notes.map((n) => (
            <div key={n}>
              <Icon name="info-circle" /> {n}
            </div>
          ))}
          {model.missing.length > 0 && (
            <div data-testid={TEST_IDS.scorecard.missing}>
              <Icon name="exclamation-triangle" /> Not in the data: {model.missing.join(', ')}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function Tile({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.tile} aria-label={label}>
      <div className={styles.tileLabel}>{label}</div>
      <div className={styles.tileValue}>{value}</div>
      {hint && (
        <div className={styles.tileHint} title={hint}>
          {hint}
        </div>
      )}
    </div>
  );
}

function Objectives({ model, order }: { model: ScorecardModel; order: ObjectiveOrder }) {
  const styles = useStyles2(getStyles);
  if (model.objectives === null) {
    return (
      <div className={styles.secondary}>
        Objectives are not in these series: add drillbook_drill_objective_credit_ratio to the query, or open the drill in the Game days app for targets and measured values.
      </div>
    );
  }
  if (model.objectives.length === 0) {
    return <div className={styles.secondary}>The runbook declares no scored objectives.</div>;
  }
  return (
    <table className={styles.table}>
      <thead>
        <tr>
          <th>Objective</th>
          <th>Target</th>
          <th>Measured</th>
          <th>Verdict</th>
          <th>Contribution</th>
        </tr>
      </thead>
      <tbody>
        {orderObjectives(model.objectives, order).map((o) => (
          <tr key={o.name} data-testid={TEST_IDS.scorecard.objective} data-verdict={o.verdict}>
            <td>
              <Tooltip content={o.explanation || o.sli} placement="top">
                <span className={styles.objName}>{o.name}</span>
              </Tooltip>
              <div className={styles.tileHint}>
                {o.sli}
                {o.phase ? ` · ${o.phase}` : ''}
              </div>
            </td>
            <td>
              {o.op} {fmtObjective(o.target, o.unit)}
            </td>
            <td className={o.verdict === 'missed' ? styles.bad : undefined}>{fmtObjective(o.measured, o.unit)}</td>
            <td>
              <Verdict verdict={o.verdict} />
            </td>
            <td>
              <Contribution value={o.contribution} max={o.maxContribution} credit={o.credit} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const relS = (s: number | null) => (s === null ? NO_VALUE : `${s >= 0 ? '+' : ''}${s.toFixed(1)} s`);

/** The detection timeline: every alert Prometheus reported during the drill, relative to the fault. */
function AlertTimeline({ alerts }: { alerts: AlertRow[] }) {
  const styles = useStyles2(getStyles);
  const rows = [...alerts].sort((a, b) => Number(b.expected) - Number(a.expected) || (a.pendingS ?? Infinity) - (b.pendingS ?? Infinity));
  return (
    <table className={styles.table} aria-label="Alert timeline">
      <caption className={styles.secondary} style={{ textAlign: 'left' }}>
        Alerts during the drill, seconds from the fault
      </caption>
      <thead>
        <tr>
          <th>Alert</th>
          <th>Pending</th>
          <th>Firing</th>
          <th>Resolved</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((a) => (
          <tr key={`${a.alertname}/${a.severity ?? ''}`} data-testid={TEST_IDS.scorecard.alert} data-expected={a.expected}>
            <td>
              <span className={styles.objName}>{a.alertname}</span>
              <div className={styles.tileHint}>
                {[a.severity, a.expected ? 'expected' : 'not expected', a.forS !== null ? `for ${a.forS}s` : null, a.firedInBaseline ? 'fired in the baseline (noise)' : null]
                  .filter(Boolean)
                  .join(' · ')}
              </div>
            </td>
            <td>{relS(a.pendingS)}</td>
            <td className={a.firingS !== null && a.expected ? styles.good : undefined}>
              {a.firingS !== null ? relS(a.firingS) : a.projectedFiringS !== null ? `${relS(a.projectedFiringS)} (projected)` : NO_VALUE}
            </td>
            <td>{relS(a.resolvedS)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Verdict({ verdict }: { verdict: ObjectiveRow['verdict'] }) {
  const styles = useStyles2(getStyles);
  const icon = verdict === 'met' ? 'check' : verdict === 'missed' ? 'times' : 'question-circle';
  const cls = verdict === 'met' ? styles.good : verdict === 'missed' ? styles.bad : styles.secondary;
  return (
    <span className={cls}>
      <Icon name={icon} /> {verdict}
    </span>
  );
}

function Contribution({ value, max, credit }: { value: number | null; max: number | null; credit: number | null }) {
  const styles = useStyles2(getStyles);
  // Points when the data has them (controller scorecard); otherwise the credit share (Prometheus).
  const share = value !== null && max ? value / max : (credit ?? 0);
  return (
    <div className={styles.contribution}>
      <div className={styles.bar}>
        <div className={styles.barFill} style={{ width: `${Math.max(0, Math.min(1, share)) * 100}%` }} />
      </div>
      <span>
        {value === null && max === null && credit !== null
          ? `credit ${fmtPercent(credit, 0)}`
          : `${value === null ? NO_VALUE : value.toFixed(1)} / ${max === null ? NO_VALUE : max.toFixed(1)}`}
      </span>
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5), height: '100%', overflow: 'auto', padding: theme.spacing(0.5) }),
  header: css({ display: 'flex', gap: theme.spacing(2), alignItems: 'flex-start' }),
  score: css({ fontSize: theme.typography.h1.fontSize, fontWeight: theme.typography.fontWeightBold, lineHeight: 1, whiteSpace: 'nowrap' }),
  scoreMax: css({ fontSize: theme.typography.body.fontSize, color: theme.colors.text.secondary, marginLeft: theme.spacing(0.5) }),
  identity: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5), minWidth: 0 }),
  title: css({ fontWeight: theme.typography.fontWeightMedium, fontSize: theme.typography.h5.fontSize }),
  secondary: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  reason: css({ fontSize: theme.typography.bodySmall.fontSize }),
  abort: css({ color: theme.colors.warning.text }),
  tiles: css({ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(140px, 1fr))', gap: theme.spacing(1) }),
  tile: css({ background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default, padding: theme.spacing(1) }),
  tileLabel: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  tileValue: css({ fontSize: theme.typography.h4.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  tileHint: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize, overflow: 'hidden', textOverflow: 'ellipsis' }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    'th, td': { textAlign: 'left', padding: theme.spacing(0.5, 1), borderBottom: `1px solid ${theme.colors.border.weak}`, verticalAlign: 'top' },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  objName: css({ fontWeight: theme.typography.fontWeightMedium }),
  good: css({ color: theme.colors.success.text }),
  bad: css({ color: theme.colors.error.text }),
  contribution: css({ display: 'flex', alignItems: 'center', gap: theme.spacing(1), whiteSpace: 'nowrap' }),
  bar: css({ width: 60, height: 6, background: theme.colors.border.medium, borderRadius: 3, overflow: 'hidden' }),
  barFill: css({ height: '100%', background: theme.colors.primary.main }),
  notes: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize, display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
});
