import React from 'react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { EmptyState, StatusError, StatusOK, StatusPending, StatusWarning } from '@backstage/core-components';
import type { ServiceSummary, SloStatus } from '@drillbook/contracts';
import { BurnRateScale } from '../common/BurnRateScale';
import { formatBurnRate, formatObjective, formatPercent } from '../common/format';
import { ServiceCardFrame } from '../common/ServiceCardFrame';
import { sloStateOf, SloState } from '../common/sloState';
import { SourceNote } from '../common/SourceNote';
import { Sparkline } from '../common/Sparkline';

const useStyles = makeStyles(theme => ({
  slo: { padding: theme.spacing(1, 0), borderBottom: `1px solid ${theme.palette.divider}`, '&:last-child': { borderBottom: 'none' } },
  figures: { display: 'grid', gridTemplateColumns: 'repeat(3, minmax(0, 1fr))', gap: theme.spacing(2), marginTop: theme.spacing(1) },
  label: { color: theme.palette.text.secondary, fontSize: '0.75rem', textTransform: 'uppercase', letterSpacing: '0.04em' },
  value: { fontSize: '1.25rem', fontWeight: 500 },
}));

export function SloStateBadge({ state }: { state: SloState }) {
  switch (state) {
    case 'breaching':
      return <StatusError>breaching</StatusError>;
    case 'at risk':
      return <StatusWarning>at risk</StatusWarning>;
    case 'meeting':
      return <StatusOK>meeting objective</StatusOK>;
    default:
      return <StatusPending>no data</StatusPending>;
  }
}

function Figure({ label, value, children }: { label: string; value: string; children?: React.ReactNode }) {
  const classes = useStyles();
  return (
    <div>
      <div className={classes.label}>{label}</div>
      <div className={classes.value} aria-label={`${label}: ${value}`}>
        {value}
      </div>
      {children}
    </div>
  );
}

export function SloRow({ slo }: { slo: SloStatus }) {
  const classes = useStyles();
  const shortest = slo.burnRates.find(b => b.value !== null)?.window;
  return (
    <section className={classes.slo} aria-label={`SLO ${slo.title}`}>
      <Box display="flex" justifyContent="space-between" alignItems="baseline" flexWrap="wrap">
        <Typography variant="subtitle1">
          {slo.title}{' '}
          <Typography component="span" variant="body2" color="textSecondary">
            objective {formatObjective(slo.objective)} over {slo.periodDays} days
          </Typography>
        </Typography>
        <SloStateBadge state={sloStateOf(slo)} />
      </Box>
      <div className={classes.figures}>
        <Figure label="Attainment" value={formatPercent(slo.attainment, 3)} />
        <Figure label="Error budget left" value={formatPercent(slo.errorBudgetRemaining, 1)}>
          <Sparkline
            values={slo.budgetHistory.map(p => p.remaining)}
            label={`error budget burn-down for ${slo.title}, ${slo.budgetHistory.length} samples`}
            reference={0}
          />
        </Figure>
        <Figure label={`Burn rate${shortest ? ` (${shortest})` : ''}`} value={formatBurnRate(slo.burnRate)}>
          <BurnRateScale burnRate={slo.burnRate} window={shortest} thresholds={slo.thresholds} />
        </Figure>
      </div>
      {slo.burnRates.length > 1 && (
        <Typography variant="caption" color="textSecondary" component="p">
          Windows: {slo.burnRates.map(b => `${b.window} ${formatBurnRate(b.value)}`).join(' · ')}
        </Typography>
      )}
      <SourceNote source={slo.source} />
    </section>
  );
}

export function SloList({ service }: { service: ServiceSummary }) {
  if (service.slos.length === 0) {
    return <EmptyState missing="data" title="No SLOs defined" description={`The controller has no SLO specs for "${service.id}".`} />;
  }
  return (
    <>
      {service.slos.map(slo => (
        <SloRow key={slo.name} slo={slo} />
      ))}
    </>
  );
}

/** Entity card: attainment, error budget (with burn-down) and burn rate of every SLO of the service. */
export function SloCard() {
  return (
    <ServiceCardFrame title="SLOs and error budget" subheader="Drillbook · live">
      {service => <SloList service={service} />}
    </ServiceCardFrame>
  );
}
