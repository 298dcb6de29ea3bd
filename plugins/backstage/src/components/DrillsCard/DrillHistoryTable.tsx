import React, { useState } from 'react';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { DrillSummary } from '@drillbook/contracts';
import { formatPercent, formatQualityImpact, formatSeconds, formatTimestamp, MISSING } from '../common/format';
import { DrillStateBadge } from './DrillStateBadge';
import { ReportDialog } from './ReportDialog';

/** Drill history, newest first: status, score, recovery time, time to detect, budget burned, quality impact, report (with the alert timeline). */
export function DrillHistoryTable({ drills }: { drills: DrillSummary[] }) {
  const [report, setReport] = useState<DrillSummary>();
  if (drills.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No drills have run against this service yet.
      </Typography>
    );
  }
  return (
    <>
      <Table size="small" aria-label="drill history">
        <TableHead>
          <TableRow style={{ whiteSpace: 'nowrap' }}>
            <TableCell>Started</TableCell>
            <TableCell>Runbook</TableCell>
            <TableCell>Launched by</TableCell>
            <TableCell>Status</TableCell>
            <TableCell align="right">Score</TableCell>
            <TableCell align="right">RTO</TableCell>
            <TableCell align="right">Time to detect</TableCell>
            <TableCell align="right">Budget burned</TableCell>
            <TableCell>Quality impact</TableCell>
            <TableCell>Report</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {drills.map(d => (
            <TableRow key={d.id} data-drill-id={d.id}>
              <TableCell>{formatTimestamp(d.startedAt ?? d.createdAt)}</TableCell>
              <TableCell>{d.runbook}</TableCell>
              <TableCell>{d.requestedBy}</TableCell>
              <TableCell>
                <DrillStateBadge state={d.state} />
                {d.dryRun && <Chip size="small" label="dry run" style={{ marginLeft: 4 }} />}
                {d.statusReason && (
                  <Typography variant="caption" color="textSecondary" component="div">
                    {d.statusReason}
                  </Typography>
                )}
              </TableCell>
              <TableCell align="right">{d.score ?? MISSING}</TableCell>
              <TableCell align="right">{formatSeconds(d.timeToRecoverS)}</TableCell>
              <TableCell align="right">{formatSeconds(d.timeToDetectS ?? null)}</TableCell>
              <TableCell align="right">{formatPercent(d.errorBudgetConsumed, 2)}</TableCell>
              <TableCell>{formatQualityImpact(d.ndcgRatio)}</TableCell>
              <TableCell>
                {d.reportUrl ? (
                  <Button size="small" color="primary" onClick={() => setReport(d)} aria-label={`open report of drill ${d.id}`}>
                    Report
                  </Button>
                ) : (
                  MISSING
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {report && <ReportDialog drill={report} onClose={() => setReport(undefined)} />}
    </>
  );
}
