/**
 * `runbook_url` annotations point at one section per alert of the on-call document
 * (`runbooks/on-call.md` in this repository). Alertmanager, Grafana and PagerDuty show the URL as a
 * link, so it must be absolute: `<base>#<anchor>`, the base from `ALERTS_CONFIG.runbookBaseUrl`
 * (or DRILLBOOK_RUNBOOK_BASE_URL when generating). The anchor is the GitHub heading slug of
 * `## <AlertName>` (the lower-cased name).
 */
import { AlertsError } from '../errors.js';

export const ON_CALL_DOC = 'runbooks/on-call.md';

export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Refuses a base that is not an absolute http(s) URL without a fragment. */
export function checkRunbookBase(base: string): string {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new AlertsError(`runbook base URL ${JSON.stringify(base)} is not an absolute URL (e.g. https://git.example.com/team/repo/blob/main/${ON_CALL_DOC})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new AlertsError(`runbook base URL ${JSON.stringify(base)} must be http(s)`);
  if (url.hash) throw new AlertsError(`runbook base URL ${JSON.stringify(base)} must not have a #fragment: the alert's anchor is appended`);
  return base;
}

export function runbookUrl(alertName: string, base: string): string {
  return `${checkRunbookBase(base)}#${headingSlug(alertName)}`;
}
