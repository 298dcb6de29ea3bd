import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { openApiDocument, scorecardSchema } from '@drillbook/contracts';
import { rawFixtures } from './fixtures';

// The recorded controller responses must match the contract the controller implements, or the page
// tests would pass against shapes the real controller never sends.
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const doc = JSON.parse(JSON.stringify({ ...openApiDocument, $id: 'drillbook-openapi' }));
ajv.addSchema(doc);
ajv.addSchema({ ...scorecardSchema, $id: 'drillbook-scorecard' });
const ref = (name: string) => ({ $ref: `drillbook-openapi#/components/schemas/${name}` });
const list = (name: string) => ({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref(name) } } });

const cases: Array<[keyof typeof rawFixtures, object]> = [
  ['services.json', list('ServiceSummary')],
  ['runbooks.json', list('RunbookSummary')],
  ['drills.json', list('DrillSummary')],
  ['dry-run-plan.json', ref('StartDrillResponse')],
  ['events-passed.json', { type: 'array', items: ref('DrillEvent') }],
  ['scorecard-passed.json', ref('ScorecardResponse')],
  ['scorecard-failed.json', ref('ScorecardResponse')],
  ['me-operator.json', ref('WhoAmI')],
  ['me-viewer.json', ref('WhoAmI')],
  ['emergency-stop-off.json', ref('EmergencyStopState')],
];

describe('recorded controller responses', () => {
  it.each(cases)('%s matches the controller API contract', (file, schema) => {
    const validate = ajv.compile(schema);
    const ok = validate(rawFixtures[file]);
    expect(validate.errors ?? [], `${file}: ${ajv.errorsText(validate.errors)}`).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the scorecards also match the scorecard JSON Schema on their own', () => {
    const validate = ajv.getSchema('drillbook-scorecard')!;
    for (const file of ['scorecard-passed.json', 'scorecard-failed.json'] as const) {
      expect(validate((rawFixtures[file] as { scorecard: unknown }).scorecard), `${file}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
  });

  it('the recorded event stream ends with an end event and numbers events from 1 without gaps', () => {
    const events = rawFixtures['events-passed.json'] as Array<{ seq: number; type: string }>;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.type).toBe('end');
  });
});
