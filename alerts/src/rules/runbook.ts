/**
 * `runbook_url` annotations point at one section per alert of the on-call document. The anchor is
 * the GitHub heading slug of `## <AlertName>` (the lower-cased name). The base can be an absolute
 * URL for deployments (e.g. the repository's web view); by default it is the repository path.
 */
export const ON_CALL_DOC = 'runbooks/on-call.md';

export function headingSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function runbookUrl(alertName: string, base: string = ON_CALL_DOC): string {
  return `${base}#${headingSlug(alertName)}`;
}
