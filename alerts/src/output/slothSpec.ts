/**
 * Export of a service's SLOs to Sloth's own `prometheus/v1` spec, so a team can feed real Sloth
 * (`sloth generate -i alerts/generated/sloth/<service>.yaml`). Each SLO is named `<name>-0`, so
 * Sloth's `sloth_id`/`sloth_slo` equal the ones Drillbook writes; the SLI is Sloth's `raw`
 * `error_ratio_query`, the same expression as Drillbook's recordings (synthetic traffic already
 * excluded) with Sloth's `{{.window}}`; alerting carries the alert name, Drillbook's description per
 * severity and the absolute `runbook_url` (Sloth adds its own title and summary).
 *
 * What Sloth cannot express is said in the file: the opt-in minimum-traffic gate (Sloth's alerts
 * have none) and Drillbook's SLI events recordings.
 */
import { burnRateAlert, alertName } from '../rules/burnRateAlerts.js';
import { errorRatioExpr } from '../rules/sliRecordings.js';
import { formatNumber, type SloModel } from '../spec/model.js';

export const SLOTH_WINDOW = '{{.window}}';

export interface SlothAlertMeta {
  annotations?: Record<string, string>;
}

export interface SlothSlo {
  name: string;
  objective: number;
  description: string;
  labels: Record<string, string>;
  sli: { raw: { error_ratio_query: string } };
  alerting: {
    name: string;
    annotations: Record<string, string>;
    page_alert: SlothAlertMeta;
    ticket_alert: SlothAlertMeta;
  };
}

export interface SlothSpec {
  version: 'prometheus/v1';
  service: string;
  slos: SlothSlo[];
}

export function slothSlo(slo: SloModel, runbookBase: string): SlothSlo {
  const page = burnRateAlert(slo, 'page', runbookBase);
  const ticket = burnRateAlert(slo, 'ticket', runbookBase);
  return {
    name: slo.slothSlo,
    objective: Number(formatNumber(slo.objective * 100)),
    description: slo.description || slo.displayName,
    labels: { ...slo.labels },
    sli: { raw: { error_ratio_query: errorRatioExpr(slo, SLOTH_WINDOW) } },
    alerting: {
      name: alertName(slo),
      annotations: { runbook_url: page.annotations!.runbook_url },
      page_alert: { annotations: { description: page.annotations!.description } },
      ticket_alert: { annotations: { description: ticket.annotations!.description } },
    },
  };
}

export function slothSpec(service: string, slos: readonly SloModel[], runbookBase: string): SlothSpec {
  return { version: 'prometheus/v1', service, slos: slos.map((s) => slothSlo(s, runbookBase)) };
}

/** Header lines naming what the export leaves out. */
export function slothSpecNotes(slos: readonly SloModel[]): string[] {
  const gated = slos.filter((s) => s.minEventsPerSecond !== null);
  return [
    '# Sloth prometheus/v1 spec of these SLOs: `sloth generate -i <this file>` gives the same sloth_id,',
    '# sloth_slo, SLI recordings and alerts as alerts/generated (Sloth adds its own title and summary).',
    ...(gated.length
      ? [`# Not expressible in Sloth: the minimum-traffic gate of ${gated.map((s) => `${s.name} (${formatNumber(s.minEventsPerSecond!)} events/s)`).join(', ')}.`]
      : []),
  ];
}
