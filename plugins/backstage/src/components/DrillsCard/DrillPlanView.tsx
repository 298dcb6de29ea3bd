import React from 'react';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { DrillPlan, PlannedAction } from '@drillbook/contracts';
import { formatSeconds } from '../common/format';

function ActionTable({ actions, label }: { actions: PlannedAction[]; label: string }) {
  if (actions.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        none
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={label}>
      <TableHead>
        <TableRow>
          <TableCell>At</TableCell>
          <TableCell>Phase</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Targets</TableCell>
          <TableCell>TTL</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {actions.map((a, i) => (
          <TableRow key={`${a.name}-${i}`}>
            <TableCell>+{formatSeconds(a.atS)}</TableCell>
            <TableCell>
              {a.phase}
              {a.loadPhase ? ` / ${a.loadPhase}` : ''}
            </TableCell>
            <TableCell>
              <strong>{a.name}</strong> ({a.kind}): {a.description}
            </TableCell>
            <TableCell>{a.targets.join(', ') || '—'}</TableCell>
            <TableCell>{a.ttlS !== undefined ? formatSeconds(a.ttlS) : '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** What a drill would do, as the controller's dry run planned it. Nothing here has happened. */
export function DrillPlanView({ plan }: { plan: DrillPlan }) {
  return (
    <div data-testid="drill-plan">
      <Typography variant="h6">{plan.title}</Typography>
      <Typography variant="body2" paragraph>
        <strong>Hypothesis:</strong> {plan.hypothesis}
      </Typography>
      <Typography variant="subtitle2">
        Load: {plan.load.engine === 'k6' ? 'k6' : 'built-in engine'}, profile {plan.load.profile}, {plan.load.totalRequests.toLocaleString('en-US')} requests
      </Typography>
      <Typography variant="body2" paragraph>
        {plan.load.phases.map(p => `${p.phase} ${formatSeconds(p.durationS)} at ${p.rate} req/s`).join(' → ')}
      </Typography>
      <Typography variant="subtitle2">Actions</Typography>
      <ActionTable actions={plan.actions} label="planned actions" />
      <Typography variant="subtitle2" style={{ marginTop: 12 }}>
        Rollback (always runs)
      </Typography>
      <ActionTable actions={plan.rollback} label="planned rollback" />
      <Typography variant="subtitle2" style={{ marginTop: 12 }}>
        Guardrails
      </Typography>
      <ul style={{ marginTop: 0 }}>
        {plan.guardrails.map(g => (
          <li key={g}>
            <Typography variant="body2">{g}</Typography>
          </li>
        ))}
        <li>
          <Typography variant="body2">aborts after {formatSeconds(plan.maxDurationS)} at most</Typography>
        </li>
      </ul>
      <Typography variant="subtitle2">Objectives</Typography>
      {plan.objectives.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          none: the drill is observed but not scored
        </Typography>
      )}
      <ul style={{ marginTop: 0 }}>
        {plan.objectives.map(o => (
          <li key={o.name}>
            <Typography variant="body2">
              {o.name}: {o.sli} {o.op} {o.target} (weight {o.weight})
            </Typography>
          </li>
        ))}
      </ul>
    </div>
  );
}
