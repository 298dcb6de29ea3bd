import React, { useEffect, useState } from 'react';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { DrillPlan, DrillSummary, RunbookSummary } from '@drillbook/contracts';
import { drillbookApiRef } from '../../drillbookApi';
import { DrillbookErrorPanel } from '../common/DrillbookErrorPanel';
import { formatSeconds } from '../common/format';
import { DrillPlanView } from './DrillPlanView';

export interface LaunchDrillDialogProps {
  open: boolean;
  serviceId: string;
  runbooks: RunbookSummary[];
  /**
   * Why a real drill cannot start now (no launch permission, emergency stop, a drill already
   * running). Dry runs stay available: the controller lets any token plan.
   */
  launchBlockedReason?: string;
  onClose: () => void;
  onLaunched: (drill: DrillSummary) => void;
}

type Step =
  | { kind: 'pick' }
  | { kind: 'planning' }
  | { kind: 'plan'; plan: DrillPlan }
  | { kind: 'launching'; plan: DrillPlan }
  | { kind: 'not-started'; plan: DrillPlan; reason: string };

/**
 * Launch flow: pick a runbook -> the controller's dry-run plan is shown -> confirm starts the drill.
 * The confirm button exists only once a plan for exactly the chosen runbook and options is on screen.
 */
export function LaunchDrillDialog({ open, serviceId, runbooks, launchBlockedReason, onClose, onLaunched }: LaunchDrillDialogProps) {
  const api = useApi(drillbookApiRef);
  const [runbook, setRunbook] = useState(runbooks[0]?.name ?? '');
  const [quick, setQuick] = useState(false);
  const [step, setStep] = useState<Step>({ kind: 'pick' });
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (open) {
      setStep({ kind: 'pick' });
      setError(undefined);
    }
  }, [open]);
  useEffect(() => {
    if (!runbooks.some(r => r.name === runbook)) setRunbook(runbooks[0]?.name ?? '');
  }, [runbooks, runbook]);

  const chosen = runbooks.find(r => r.name === runbook);

  const canLaunch = launchBlockedReason === undefined;

  async function planDryRun() {
    if (!runbook) return;
    setError(undefined);
    setStep({ kind: 'planning' });
    try {
      const { plan } = await api.startDrill({ runbook, service: serviceId, dryRun: true, quick });
      setStep({ kind: 'plan', plan });
    } catch (e) {
      setError(e);
      setStep({ kind: 'pick' });
    }
  }

  async function confirm(plan: DrillPlan) {
    if (!canLaunch) return;
    setError(undefined);
    setStep({ kind: 'launching', plan });
    try {
      const { drill } = await api.startDrill({ runbook, service: serviceId, quick });
      if (drill.dryRun) {
        // The runbook itself sets guardrails.dryRun: the controller planned again and touched nothing.
        setStep({ kind: 'not-started', plan, reason: drill.statusReason ?? 'the controller answered with a dry run' });
        return;
      }
      onLaunched(drill);
      onClose();
    } catch (e) {
      setError(e);
      setStep({ kind: 'plan', plan });
    }
  }

  return (
    <Dialog open={open} onClose={onClose} maxWidth="md" fullWidth aria-labelledby="drillbook-launch-title">
      <DialogTitle id="drillbook-launch-title">Launch a drill on {serviceId}</DialogTitle>
      <DialogContent dividers>
        {!canLaunch && (
          <Typography color="textSecondary" paragraph data-testid="launch-blocked">
            You can plan a dry run; launching is not possible: {launchBlockedReason}
          </Typography>
        )}
        {error !== undefined && <DrillbookErrorPanel error={error} />}
        {(step.kind === 'pick' || step.kind === 'planning') && (
          <>
            {runbooks.length === 0 ? (
              <Typography>No runbook targets this service.</Typography>
            ) : (
              <>
                <TextField
                  select
                  fullWidth
                  label="Runbook"
                  value={runbook}
                  onChange={e => setRunbook(e.target.value)}
                  disabled={step.kind === 'planning'}
                  SelectProps={{ native: true }}
                  inputProps={{ 'aria-label': 'Runbook' }}
                >
                  {runbooks.map(r => (
                    <option key={r.name} value={r.name}>
                      {r.title} ({r.name})
                    </option>
                  ))}
                </TextField>
                {chosen && (
                  <Typography variant="body2" color="textSecondary" style={{ marginTop: 8 }}>
                    {chosen.hypothesis} · faults: {chosen.faults.join(', ') || 'none'} · about {formatSeconds(chosen.durationS)}
                  </Typography>
                )}
                <FormControlLabel
                  control={<Checkbox checked={quick} onChange={e => setQuick(e.target.checked)} disabled={step.kind === 'planning'} />}
                  label="Quick run (shortened phases)"
                />
              </>
            )}
            {step.kind === 'planning' && <Progress />}
          </>
        )}
        {step.kind === 'not-started' && (
          <Typography color="error" paragraph data-testid="not-started">
            Nothing was started: {step.reason}
          </Typography>
        )}
        {(step.kind === 'plan' || step.kind === 'launching' || step.kind === 'not-started') && (
          <>
            <Typography variant="overline" display="block">
              Dry-run plan: nothing has been touched yet
            </Typography>
            <DrillPlanView plan={step.plan} />
            {step.kind === 'launching' && <Progress />}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        {(step.kind === 'pick' || step.kind === 'planning') && (
          <Button color="primary" variant="outlined" onClick={planDryRun} disabled={!runbook || step.kind === 'planning'}>
            Plan (dry run)
          </Button>
        )}
        {(step.kind === 'plan' || step.kind === 'launching' || step.kind === 'not-started') && (
          <>
            <Button onClick={() => setStep({ kind: 'pick' })} disabled={step.kind === 'launching'}>
              Back
            </Button>
            <Button
              color="secondary"
              variant="contained"
              onClick={() => step.kind === 'plan' && confirm(step.plan)}
              disabled={!canLaunch || step.kind !== 'plan'}
            >
              Confirm and launch
            </Button>
          </>
        )}
      </DialogActions>
    </Dialog>
  );
}
