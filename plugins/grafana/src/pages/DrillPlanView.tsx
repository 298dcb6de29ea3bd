import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import type { DrillPlan } from '@drillbook/contracts';
import { TEST_IDS } from '../constants';
import { fmtObjective } from '../format/format';

/** What a drill will do, from the controller's dry run: load, actions in order, rollback, guardrails, objectives. */
export function DrillPlanView({ plan }: { plan: DrillPlan }) {
  const styles = useStyles2(getStyles);
  const totalS = plan.load.phases.reduce((s, p) => s + p.durationS, 0);
  return (
    <div className={styles.root} data-testid={TEST_IDS.launch.plan}>
      <p className={styles.hypothesis}>
        <Icon name="info-circle" /> {plan.hypothesis}
      </p>
      <h6>
        Load: {plan.load.engine} engine, {plan.load.profile} profile, {plan.load.totalRequests.toLocaleString('en-US')} requests over {totalS} s
      </h6>
      <table className={styles.table}>
        <tbody>
          {plan.load.phases.map((p) => (
            <tr key={p.phase}>
              <td>{p.phase}</td>
              <td>{p.durationS} s</td>
              <td>{p.rate} rps</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h6>Actions ({plan.actions.length})</h6>
      <ol className={styles.list}>
        {plan.actions.map((a) => (
          <li key={`${a.atS}-${a.name}`}>
            <strong>
              +{a.atS}s {a.kind}
            </strong>{' '}
            {a.name} <span className={styles.muted}>→ {a.targets.join(', ') || 'no target'}</span>
            {a.ttlS !== undefined && <span className={styles.muted}> (expires after {a.ttlS} s)</span>}
            <div className={styles.muted}>{a.description}</div>
          </li>
        ))}
      </ol>
      <h6>Rollback (always runs)</h6>
      <ul className={styles.list}>
        {plan.rollback.length === 0 && <li className={styles.muted}>none declared</li>}
        {plan.rollback.map((a) => (
          <li key={a.name}>
            {a.name} <span className={styles.muted}>→ {a.targets.join(', ')}</span>
          </li>
        ))}
      </ul>
      <h6>Guardrails</h6>
      <ul className={styles.list}>
        {plan.guardrails.map((g) => (
          <li key={g}>{g}</li>
        ))}
        <li>stops by itself after {plan.maxDurationS} s</li>
      </ul>
      <h6>Scored objectives</h6>
      <ul className={styles.list}>
        {plan.objectives.map((o) => (
          <li key={o.name}>
            {o.name}: {o.sli} {o.op} {fmtObjective(o.target, unitOf(o.sli))} <span className={styles.muted}>(weight {o.weight})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function unitOf(sli: string): string {
  if (sli.endsWith('_ms')) {
    return 'ms';
  }
  if (sli.endsWith('_s')) {
    return 's';
  }
  if (['availability', 'error_rate', 'degraded_share', 'ndcg_ratio', 'recovery_rate', 'error_budget_consumed', 'throughput_ratio'].includes(sli)) {
    return 'ratio';
  }
  return 'count';
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    maxHeight: '38vh',
    overflow: 'auto',
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1, 1.5),
    margin: theme.spacing(1, 0),
    h6: { marginTop: theme.spacing(1.5) },
  }),
  hypothesis: css({ fontStyle: 'italic' }),
  table: css({ 'td': { paddingRight: theme.spacing(2) } }),
  list: css({ paddingLeft: theme.spacing(2.5), li: { marginBottom: theme.spacing(0.5) } }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});
