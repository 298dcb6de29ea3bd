import React from 'react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import type { DrillSummary } from '@drillbook/contracts';
import { drillbookApiRef } from '../../drillbookApi';
import { DrillbookErrorPanel } from '../common/DrillbookErrorPanel';
import { RecommendedActions } from './RecommendedActions';
import { AlertTimeline } from './AlertTimeline';

/**
 * A drill's self-contained HTML report, fetched through the proxy (so the proxy's token is used)
 * and shown in a sandboxed frame; "Open in new tab" hands the same HTML to a blob URL. Above it,
 * from the drill's scorecard (fetched once): the recommended actions and the alert timeline drawn
 * natively. A scorecard that cannot be read (a drill that never finished) leaves just the report.
 */
export function ReportDialog({ drill, onClose }: { drill: DrillSummary; onClose: () => void }) {
  const api = useApi(drillbookApiRef);
  const report = useAsync(() => api.getReportHtml(drill), [api, drill.id, drill.reportUrl]);
  const scorecard = useAsync(async () => (await api.getScorecard(drill.id)).scorecard, [api, drill.id]);

  function openInTab() {
    if (!report.value) return;
    const url = URL.createObjectURL(new Blob([report.value], { type: 'text/html' }));
    window.open(url, '_blank', 'noopener');
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  return (
    <Dialog open onClose={onClose} maxWidth="lg" fullWidth aria-labelledby="drillbook-report-title">
      <DialogTitle id="drillbook-report-title">Report of drill {drill.id}</DialogTitle>
      <DialogContent dividers style={{ padding: 0 }}>
        {scorecard.value && <RecommendedActions scorecard={scorecard.value} />}
        {scorecard.value && <AlertTimeline scorecard={scorecard.value} />}
        <div style={{ height: '75vh' }}>
          {report.loading && <Progress />}
          {report.error && <DrillbookErrorPanel error={report.error} prefix="Report" />}
          {report.value !== undefined && (
            <iframe title={`drill report ${drill.id}`} srcDoc={report.value} sandbox="allow-scripts" style={{ border: 0, width: '100%', height: '100%', display: 'block' }} />
          )}
        </div>
      </DialogContent>
      <DialogActions>
        <Button onClick={openInTab} disabled={!report.value}>
          Open in new tab
        </Button>
        <Button onClick={onClose} color="primary">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}
