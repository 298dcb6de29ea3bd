import React, { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Field, Input, LoadingPlaceholder, Modal, Stack } from '@grafana/ui';
import type { DrillSummary, RunbookSummary, ServiceSummary, StartDrillResponse } from '@drillbook/contracts';
import { useDrillbookApi } from '../drillbookApi';
import { ErrorAlert } from '../components/ErrorAlert';
import { TEST_IDS } from '../constants';
import { DrillPlanView } from './DrillPlanView';

interface Props {
  service: ServiceSummary;
  runbook: RunbookSummary;
  onDismiss: () => void;
  onStarted: (drill: DrillSummary) => void;
}

/**
 * Launching is two calls: a dry run that returns the plan (nothing touched), then, after the user
 * typed the service id, the real start. The real start is a separate POST, so a stale plan never
 * starts anything.
 */
export function LaunchDrillModal({ service, runbook, onDismiss, onStarted }: Props) {
  const api = useDrillbookApi();
  const [plan, setPlan] = useState<StartDrillResponse | null>(null);
  const [planError, setPlanError] = useState<unknown>(null);
  const [typed, setTyped] = useState('');
  const [quick, setQuick] = useState(false);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<unknown>(null);

  // The plan is asked again when "quick" changes: quick runs have their own phases and rate.
  useEffect(() => {
    let live = true;
    setPlan(null);
    setPlanError(null);
    api.startDrill({ runbook: runbook.name, service: service.id, dryRun: true, quick }).then(
      (res) => live && setPlan(res),
      (err) => live && setPlanError(err)
    );
    return () => {
      live = false;
    };
  }, [api, runbook.name, service.id, quick]);

  const confirmed = typed.trim() === service.id;
  const start = async () => {
    setStarting(true);
    setStartError(null);
    try {
      const res = await api.startDrill({ runbook: runbook.name, service: service.id, quick });
      onStarted(res.drill);
    } catch (err) {
      setStartError(err);
      setStarting(false);
    }
  };

  return (
    <Modal title={`Launch "${runbook.title}" on ${service.title}`} isOpen onDismiss={onDismiss}>
      <div data-testid={TEST_IDS.launch.modal}>
        <Alert severity="warning" title="This injects real faults into a running service">
          Dry-run plan below: nothing has been touched yet. Faults expire on their own, the rollback always runs and the
          guardrails abort the drill if the service degrades beyond them.
        </Alert>
        {!plan && !planError && <LoadingPlaceholder text="Asking the controller for a dry-run plan…" />}
        {planError !== null && <ErrorAlert error={planError} action="plan the drill" />}
        {plan && <DrillPlanView plan={plan.plan} />}
        <Stack direction="column" gap={1}>
          <div>
            <Checkbox
              label="Quick run"
              description="shortened phases and rate from the runbook's quick settings; the plan above follows"
              value={quick}
              onChange={(e) => setQuick(e.currentTarget.checked)}
            />
          </div>
          <Field
            label={`Type ${service.id} to confirm`}
            invalid={typed !== '' && !confirmed}
            error={typed !== '' && !confirmed ? 'does not match the service id' : undefined}
          >
            <Input data-testid={TEST_IDS.launch.confirmInput} width={40} value={typed} placeholder={service.id} onChange={(e) => setTyped(e.currentTarget.value)} />
          </Field>
        </Stack>
        {startError !== null && <ErrorAlert error={startError} action="launch the drill" />}
      </div>
      <Modal.ButtonRow>
        <Button variant="secondary" fill="outline" onClick={onDismiss}>
          Cancel
        </Button>
        <Button
          variant="destructive"
          icon="fire"
          disabled={!plan || !confirmed || starting}
          onClick={start}
          data-testid={TEST_IDS.launch.start}
        >
          {starting ? 'Starting…' : 'Start drill'}
        </Button>
      </Modal.ButtonRow>
    </Modal>
  );
}
