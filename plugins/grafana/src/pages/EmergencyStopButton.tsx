import React, { useState } from 'react';
import { Button, ConfirmModal } from '@grafana/ui';
import type { EmergencyStopState } from '@drillbook/contracts';
import { useDrillbookApi } from '../drillbookApi';
import { ErrorAlert } from '../components/ErrorAlert';
import { TEST_IDS } from '../constants';

/** Aborts every running drill and refuses new ones until an admin releases it (controller side). */
export function EmergencyStopButton({ disabled, onChange }: { disabled?: boolean; onChange: (s: EmergencyStopState) => void }) {
  const api = useDrillbookApi();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <>
      <Button variant="destructive" icon="power" disabled={disabled} onClick={() => setOpen(true)} data-testid={TEST_IDS.gameDays.emergencyStop}>
        Emergency stop
      </Button>
      <ConfirmModal
        isOpen={open}
        title="Emergency stop"
        body="Abort every running drill (load stops, faults are cleared) and refuse new drills until an admin releases the stop?"
        confirmText="Stop everything"
        onDismiss={() => setOpen(false)}
        onConfirm={async () => {
          setOpen(false);
          setError(null);
          try {
            onChange(await api.triggerEmergencyStop('emergency stop from the Grafana game-day page'));
          } catch (err) {
            setError(err);
          }
        }}
      />
      {error !== null && <ErrorAlert error={error} action="trigger the emergency stop" />}
    </>
  );
}
