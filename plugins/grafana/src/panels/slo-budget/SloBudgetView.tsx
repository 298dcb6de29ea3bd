import React from 'react';
import { css } from '@emotion/css';
import { VizOrientation, type GrafanaTheme2, ThresholdsMode } from '@grafana/data';
import { BarGauge, BarGaugeDisplayMode, Icon, useStyles2, useTheme2 } from '@grafana/ui';
import { TEST_IDS } from '../../constants';
import { NO_VALUE, fmtBurn, fmtPercent } from '../../format/format';
import type { SloBudgetRow } from '../../frames/sloBudget';
import { BurnGauge } from './BurnGauge';
import type { SloBudgetOptions } from './types';

export interface SloBudgetViewProps {
  rows: SloBudgetRow[];
  options: SloBudgetOptions;
  width: number;
}

/** One card per SLO: attainment vs objective, budget remaining, current burn rate and the alert windows. */
export function SloBudgetView({ rows, options, width }: SloBudgetViewProps) {
  const styles = useStyles2(getStyles);
  return (
    <div className={styles.root} data-testid={TEST_IDS.sloBudget.root}>
      {rows.map((row) => (
        <SloCard key={`${row.service}/${row.slo}`} row={row} options={options} width={Math.min(width, 560)} />
      ))}
    </div>
  );
}

function SloCard({ row, options, width }: { row: SloBudgetRow; options: SloBudgetOptions; width: number }) {
  const styles = useStyles2(getStyles);
  const theme = useTheme2();
  const remaining = row.budgetRemaining;
  const budgetColor =
    remaining === null
      ? theme.colors.text.disabled
      : remaining <= 0
        ? theme.colors.error.main
        : remaining < options.budgetWarn
          ? theme.colors.warning.main
          : theme.colors.success.main;
  const attained = row.attainment !== null && row.objective !== null ? row.attainment >= row.objective : null;
  return (
    <section className={styles.card} data-testid={TEST_IDS.sloBudget.slo} aria-label={`SLO ${row.slo}`}>
      <header className={styles.header}>
        <span className={styles.title}>{row.slo}</span>
        <span className={styles.secondary}>{row.service}</span>
      </header>
      <div className={styles.body}>
        <div className={styles.figures}>
          <div>
            <div className={styles.label}>Attainment ({row.periodWindow})</div>
            <div className={styles.big} style={{ color: attained === null ? undefined : attained ? theme.colors.success.text : theme.colors.error.text }}>
              {fmtPercent(row.attainment, 3)}
            </div>
            <div className={styles.secondary}>objective {row.objective === null ? NO_VALUE : fmtPercent(row.objective, 2)}</div>
          </div>
          <div>
            <div className={styles.label}>Error budget remaining</div>
            <BarGauge
              width={Math.max(120, width - 200)}
              height={28}
              theme={theme}
              orientation={VizOrientation.Horizontal}
              displayMode={BarGaugeDisplayMode.Basic}
              isOverflow={false}
              showUnfilled
              field={{
                min: 0,
                max: 1,
                thresholds: { mode: ThresholdsMode.Absolute, steps: [{ value: -Infinity, color: budgetColor }] },
              }}
              value={{
                numeric: remaining ?? 0,
                text: remaining === null ? NO_VALUE : fmtPercent(remaining, 1),
                color: budgetColor,
                percent: remaining === null ? 0 : Math.max(0, Math.min(1, remaining)),
              }}
            />
            {remaining !== null && remaining <= 0 && (
              <div className={styles.bad}>
                <Icon name="exclamation-triangle" /> budget overspent
              </div>
            )}
          </div>
        </div>
        <BurnGauge value={row.currentBurnRate} label="burn rate (5m)" />
      </div>
      {options.showWindows && (
        <table className={styles.table}>
          <thead>
            <tr>
              <th>Alert</th>
              <th>Windows</th>
              <th>Burn (long / short)</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {row.windows.map((w) => (
              <tr key={`${w.severity}-${w.longWindow}`} data-testid={TEST_IDS.sloBudget.window} data-firing={String(w.firing)}>
                <td>
                  {w.severity} ≥ {w.threshold}×
                </td>
                <td>
                  {w.longWindow} / {w.shortWindow}
                </td>
                <td>
                  {fmtBurn(w.long)} / {fmtBurn(w.short)}
                </td>
                <td className={w.firing ? (w.severity === 'page' ? styles.bad : styles.warn) : styles.secondary}>
                  {w.firing === null ? 'no data' : w.firing ? 'firing' : 'ok'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {row.missing.length > 0 && (
        <div className={styles.secondary}>
          <Icon name="info-circle" /> Not in the data: {row.missing.join(', ')}
        </div>
      )}
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5), height: '100%', overflow: 'auto', padding: theme.spacing(0.5) }),
  card: css({ background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default, padding: theme.spacing(1.5), display: 'flex', flexDirection: 'column', gap: theme.spacing(1) }),
  header: css({ display: 'flex', gap: theme.spacing(1), alignItems: 'baseline' }),
  title: css({ fontWeight: theme.typography.fontWeightMedium, fontSize: theme.typography.h5.fontSize }),
  body: css({ display: 'flex', gap: theme.spacing(2), alignItems: 'center', flexWrap: 'wrap', justifyContent: 'space-between' }),
  figures: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), flex: 1, minWidth: 160 }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  big: css({ fontSize: theme.typography.h3.fontSize, fontWeight: theme.typography.fontWeightMedium }),
  secondary: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
  bad: css({ color: theme.colors.error.text, fontSize: theme.typography.bodySmall.fontSize }),
  warn: css({ color: theme.colors.warning.text }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    'th, td': { textAlign: 'left', padding: theme.spacing(0.25, 1), borderBottom: `1px solid ${theme.colors.border.weak}` },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
});
