/** The HTML report names who launched a drill and who aborted it (the person and the front end). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Scorecard } from '@drillbook/contracts';
import { renderReport } from './html.js';

// A scorecard as the controller serves it (the Grafana plugin's fixture of a real drill).
const scorecard = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../plugins/grafana/src/__fixtures__/controller/scorecard-failed.json', import.meta.url)), 'utf8')).scorecard as Scorecard;

describe('who is named in the HTML report', () => {
  it('says who launched the drill, and who aborted it with their reason', () => {
    const html = renderReport({ ...scorecard, abort: { source: 'api', reason: 'checkout incident (by carol via grafana)', atS: 12.5 } }, { launchedBy: 'alice via backstage' });
    expect(html).toMatch(/<p data-testid="launched-by">Launched by <b>alice via backstage<\/b> · aborted by api: checkout incident \(by carol via grafana\)<\/p>/);
  });

  it('escapes the names and leaves the line out when nobody is known', () => {
    expect(renderReport(scorecard, { launchedBy: '<script>x</script> via backstage' })).toContain('Launched by <b>&lt;script&gt;x&lt;/script&gt; via backstage</b>');
    expect(renderReport(scorecard)).not.toContain('data-testid="launched-by"');
  });
});
