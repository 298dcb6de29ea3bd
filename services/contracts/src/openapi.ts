/**
 * OpenAPI 3.1 document of the drill controller API, served at `/api/v1/openapi.json`.
 * Shapes mirror `api.ts`; the scorecard and runbook reuse the JSON Schemas in `schemas.ts`.
 */
import { API_PREFIX } from './api.js';
import { scorecardSchema } from './schemas.js';
import { declareOnBehalfHeaders } from './onBehalf.js';
import { gameDayPaths, gameDaySchemas } from './openapiGameDays.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: unknown, description = 'OK') => ({ description, content: { 'application/json': { schema } } });
const error = (description: string) => json(ref('Error'), description);
const nullable = (type: string) => ({ type: [type, 'null'] });
const stdErrors = {
  '401': error('missing or unknown bearer token'),
  '403': error('the token\'s role does not allow this'),
};
const idParam = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });

const dataSource = {
  type: 'object',
  required: ['kind', 'at'],
  properties: { kind: { enum: ['prometheus', 'scrape', 'none'] }, url: { type: 'string' }, at: { type: 'string', format: 'date-time' }, detail: { type: 'string' } },
};

const drillSummary = {
  type: 'object',
  required: ['id', 'runbook', 'service', 'state', 'dryRun', 'requestedBy', 'createdAt', 'startedAt', 'endedAt', 'currentPhase', 'score', 'timeToRecoverS', 'errorBudgetConsumed', 'ndcgRatio', 'statusReason', 'reportUrl'],
  properties: {
    id: { type: 'string' },
    runbook: { type: 'string' },
    service: { type: 'string' },
    state: { enum: ['queued', 'running', 'passed', 'failed', 'aborted', 'interrupted', 'invalid', 'inconclusive'] },
    dryRun: { type: 'boolean' },
    requestedBy: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: nullable('string'),
    endedAt: nullable('string'),
    currentPhase: nullable('string'),
    score: nullable('number'),
    timeToRecoverS: nullable('number'),
    timeToDetectS: nullable('number'),
    errorBudgetConsumed: nullable('number'),
    ndcgRatio: nullable('number'),
    statusReason: nullable('string'),
    reportUrl: nullable('string'),
  },
};

const objectiveRef = {
  type: 'object',
  required: ['name', 'sli', 'op', 'target', 'weight'],
  properties: { name: { type: 'string' }, sli: { type: 'string' }, op: { enum: ['<=', '>='] }, target: { type: 'number' }, weight: { type: 'number' } },
};

const plannedAction = {
  type: 'object',
  required: ['atS', 'phase', 'kind', 'name', 'description', 'targets'],
  properties: {
    atS: { type: 'number' }, phase: { type: 'string' }, loadPhase: { type: 'string' }, kind: { type: 'string' }, name: { type: 'string' },
    description: { type: 'string' }, targets: { type: 'array', items: { type: 'string' } }, ttlS: { type: 'number' },
  },
};

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Drillbook drill controller API',
    version: '1.0.0',
    description:
      'Catalogue of recommender services with live SLO and GPU state, runbooks, drills (start, dry-run, follow over SSE, abort), ' +
      'scorecards and the emergency stop. Bearer tokens map to roles viewer, operator and admin; every state change is audited.',
  },
  servers: [{ url: API_PREFIX }],
  security: [{ bearer: [] }],
  paths: {
    '/openapi.json': { get: { summary: 'This document', security: [], responses: { '200': json({ type: 'object' }) } } },
    '/me': { get: { summary: 'Who the token belongs to and what it may do', responses: { '200': json(ref('WhoAmI')), ...stdErrors } } },
    '/services': {
      get: { summary: 'Catalogue: every service with live SLO, GPU, model version and last drill', responses: { '200': json({ type: 'object', required: ['items'], properties: { items: { type: 'array', items: ref('ServiceSummary') } } }), ...stdErrors } },
    },
    '/services/{serviceId}': {
      get: { summary: 'One service', parameters: [idParam('serviceId', 'catalogue service id')], responses: { '200': json(ref('ServiceSummary')), '404': error('unknown service'), ...stdErrors } },
    },
    '/services/{serviceId}/scorecards': {
      get: {
        summary: 'Scorecard history of a service, newest first',
        parameters: [idParam('serviceId', 'catalogue service id'), { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } }],
        responses: { '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('ScorecardResponse') } } }), '404': error('unknown service'), ...stdErrors },
      },
    },
    '/runbooks': { get: { summary: 'Runbooks the controller knows', responses: { '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('RunbookSummary') } } }), ...stdErrors } } },
    '/runbooks/{name}': { get: { summary: 'One runbook (summary and source)', parameters: [idParam('name', 'runbook metadata.name')], responses: { '200': json(ref('RunbookSummary')), '404': error('unknown runbook'), ...stdErrors } } },
    '/drills': {
      get: {
        summary: 'Drills, newest first',
        parameters: [
          { name: 'service', in: 'query', schema: { type: 'string' } },
          { name: 'state', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500 } },
        ],
        responses: { '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('DrillSummary') } } }), ...stdErrors },
      },
      post: {
        summary: 'Start a drill, or return its plan when dryRun is true (operator)',
        requestBody: { required: true, content: { 'application/json': { schema: ref('StartDrillRequest') } } },
        responses: {
          '200': json(ref('StartDrillResponse'), 'dry run: the plan, nothing touched'),
          '202': json(ref('StartDrillResponse'), 'accepted and persisted; follow /drills/{id}/events. For a service that requires approval: {state: "pending-approval", approval, drill: null} instead (see /approvals)'),
          '400': error('invalid request body (field named)'),
          '404': error('unknown runbook or service'),
          '409': error('a drill is already running on this service'),
          '423': error('emergency stop is active, or the service is inside a blackout window (the message names it; an admin may add ?overrideBlackout=true)'),
          ...stdErrors,
        },
      },
    },
    '/drills/{drillId}': { get: { summary: 'Drill status', parameters: [idParam('drillId', 'drill id')], responses: { '200': json(ref('DrillSummary')), '404': error('unknown drill'), ...stdErrors } } },
    '/drills/{drillId}/events': {
      get: {
        summary: 'Live drill events (Server-Sent Events). Replays from Last-Event-ID; ends with an `end` event.',
        parameters: [idParam('drillId', 'drill id'), { name: 'Last-Event-ID', in: 'header', schema: { type: 'string' } }],
        responses: { '200': { description: 'text/event-stream of DrillEvent (event: <type>, id: <seq>, data: DrillEvent JSON)', content: { 'text/event-stream': { schema: ref('DrillEvent') } } }, '404': error('unknown drill'), ...stdErrors },
      },
    },
    '/drills/{drillId}/abort': {
      post: {
        summary: 'Abort a running drill: stops load and clears every fault it injected (operator)',
        parameters: [idParam('drillId', 'drill id')],
        requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { reason: { type: 'string', maxLength: 500 } } } } } },
        responses: { '202': json(ref('DrillSummary')), '404': error('unknown drill'), '409': error('drill is not running'), ...stdErrors },
      },
    },
    '/drills/{drillId}/scorecard': { get: { summary: 'Scorecard of a finished drill', parameters: [idParam('drillId', 'drill id')], responses: { '200': json(ref('ScorecardResponse')), '404': error('unknown drill or no scorecard yet'), ...stdErrors } } },
    '/drills/{drillId}/journal': { get: { summary: 'Drill journal', parameters: [idParam('drillId', 'drill id')], responses: { '200': json({ type: 'object' }), '404': error('unknown drill'), ...stdErrors } } },
    '/drills/{drillId}/report': { get: { summary: 'Self-contained HTML report', parameters: [idParam('drillId', 'drill id')], responses: { '200': { description: 'text/html', content: { 'text/html': { schema: { type: 'string' } } } }, '404': error('unknown drill or no report yet'), ...stdErrors } } },
    '/audit': {
      get: {
        summary: 'Audit log, newest first: every state change and every refused attempt (admin)',
        parameters: [
          { name: 'action', in: 'query', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000 } },
        ],
        responses: { '200': json({ type: 'object', properties: { items: { type: 'array', items: ref('AuditEntry') } } }), ...stdErrors },
      },
    },
    '/emergency-stop': {
      get: { summary: 'Emergency stop state', responses: { '200': json(ref('EmergencyStopState')), ...stdErrors } },
      post: { summary: 'Abort every running drill and refuse new ones until released (operator)', requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { reason: { type: 'string' } } } } } }, responses: { '200': json(ref('EmergencyStopState')), ...stdErrors } },
      delete: { summary: 'Release the emergency stop (admin)', responses: { '200': json(ref('EmergencyStopState')), ...stdErrors } },
    },
    ...gameDayPaths,
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: { error: { type: 'string' }, field: { type: 'string' }, details: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } },
      },
      WhoAmI: { type: 'object', required: ['subject', 'role', 'services'], properties: { subject: { type: 'string' }, role: { enum: ['viewer', 'operator', 'admin', 'approver'] }, services: { type: 'array', items: { type: 'string' } }, person: { type: 'string' }, groups: { type: 'array', items: { type: 'string' } }, via: { type: 'string' } } },
      DataSource: dataSource,
      SloStatus: {
        type: 'object',
        required: ['name', 'title', 'sli', 'objective', 'periodDays', 'attainment', 'errorBudgetRemaining', 'burnRate', 'burnRates', 'thresholds', 'budgetHistory', 'source'],
        properties: {
          name: { type: 'string' }, title: { type: 'string' }, sli: { enum: ['availability', 'latency', 'degraded', 'quality'] },
          objective: { type: 'number' }, periodDays: { type: 'number' }, attainment: nullable('number'), errorBudgetRemaining: nullable('number'), burnRate: nullable('number'),
          burnRates: { type: 'array', items: { type: 'object', properties: { window: { type: 'string' }, value: nullable('number') } } },
          thresholds: { type: 'object', properties: { page: { type: 'array', items: { type: 'number' } }, ticket: { type: 'array', items: { type: 'number' } } } },
          budgetHistory: { type: 'array', items: { type: 'object', properties: { t: { type: 'string' }, remaining: { type: 'number' } } } },
          source: ref('DataSource'),
        },
      },
      GpuStatus: {
        type: 'object',
        required: ['present', 'devices', 'source'],
        properties: {
          present: { type: 'boolean' },
          message: { type: 'string' },
          source: ref('DataSource'),
          devices: {
            type: 'array',
            items: {
              type: 'object',
              required: ['replica', 'device', 'kind', 'utilization', 'memoryUsedBytes', 'memoryTotalBytes'],
              properties: { replica: { type: 'string' }, device: { type: 'string' }, kind: { enum: ['gpu', 'cpu'] }, utilization: nullable('number'), memoryUsedBytes: nullable('number'), memoryTotalBytes: nullable('number'), model: { type: 'string' } },
            },
          },
        },
      },
      ServiceSummary: {
        type: 'object',
        required: ['id', 'title', 'owner', 'tags', 'gatewayUrl', 'replicas', 'modelVersion', 'slos', 'gpu', 'lastDrill', 'scoreTrend', 'permissions'],
        properties: {
          id: { type: 'string' }, title: { type: 'string' }, owner: { type: 'string' }, description: { type: 'string' }, entityRef: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } }, gatewayUrl: nullable('string'),
          replicas: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, zone: { type: 'string' }, url: { type: 'string' }, ready: nullable('boolean'), modelVersion: nullable('string') } } },
          modelVersion: nullable('string'),
          slos: { type: 'array', items: ref('SloStatus') },
          gpu: ref('GpuStatus'),
          lastDrill: { oneOf: [{ type: 'null' }, ref('DrillSummary')] },
          scoreTrend: { type: 'array', items: { type: 'object', properties: { drillId: { type: 'string' }, at: { type: 'string' }, score: { type: 'number' }, status: { type: 'string' }, runbook: { type: 'string' } } } },
          permissions: { type: 'object', properties: { launch: { type: 'boolean' }, abort: { type: 'boolean' } } },
        },
      },
      RunbookSummary: {
        type: 'object',
        required: ['name', 'title', 'file', 'service', 'hypothesis', 'tags', 'owner', 'faults', 'durationS', 'objectives'],
        properties: {
          name: { type: 'string' }, title: { type: 'string' }, file: { type: 'string' }, service: { type: 'string' }, hypothesis: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } }, owner: { type: 'string' }, faults: { type: 'array', items: { type: 'string' } },
          durationS: { type: 'number' }, objectives: { type: 'array', items: objectiveRef },
        },
      },
      DrillSummary: drillSummary,
      DrillPlan: {
        type: 'object',
        required: ['runbook', 'title', 'service', 'hypothesis', 'load', 'actions', 'rollback', 'guardrails', 'objectives', 'maxDurationS'],
        properties: {
          runbook: { type: 'string' }, title: { type: 'string' }, service: { type: 'string' }, hypothesis: { type: 'string' },
          load: { type: 'object', properties: { engine: { enum: ['builtin', 'k6'] }, profile: { type: 'string' }, totalRequests: { type: 'number' }, phases: { type: 'array', items: { type: 'object', properties: { phase: { type: 'string' }, durationS: { type: 'number' }, rate: { type: 'number' } } } } } },
          actions: { type: 'array', items: plannedAction },
          rollback: { type: 'array', items: plannedAction },
          guardrails: { type: 'array', items: { type: 'string' } },
          objectives: { type: 'array', items: objectiveRef },
          maxDurationS: { type: 'number' },
        },
      },
      StartDrillRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['runbook'],
        properties: { runbook: { type: 'string', minLength: 1 }, service: { type: 'string', minLength: 1 }, dryRun: { type: 'boolean' }, quick: { type: 'boolean' } },
      },
      StartDrillResponse: { type: 'object', required: ['drill', 'plan'], properties: { drill: ref('DrillSummary'), plan: ref('DrillPlan') } },
      DrillEvent: {
        type: 'object',
        required: ['seq', 'drillId', 'at', 'type', 'message'],
        properties: {
          seq: { type: 'integer' }, drillId: { type: 'string' }, at: { type: 'string', format: 'date-time' },
          type: { enum: ['state', 'phase', 'activity', 'progress', 'fault', 'guardrail', 'detection', 'log', 'end'] },
          message: { type: 'string' }, phase: { type: 'string' }, data: { type: 'object' },
        },
      },
      AuditEntry: {
        type: 'object',
        required: ['id', 'at', 'subject', 'role', 'action', 'target', 'outcome', 'detail', 'remote'],
        properties: {
          id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, subject: { type: 'string' }, role: { enum: ['viewer', 'operator', 'admin', 'approver', 'system', 'none'] },
          action: { type: 'string' }, target: { type: 'string' }, outcome: { enum: ['ok', 'denied', 'refused', 'failed'] }, detail: nullable('string'), remote: nullable('string'),
        },
      },
      EmergencyStopState: { type: 'object', required: ['active', 'reason', 'since', 'by'], properties: { active: { type: 'boolean' }, reason: nullable('string'), since: nullable('string'), by: nullable('string') } },
      Scorecard: { ...scorecardSchema, $id: undefined },
      ScorecardResponse: { type: 'object', required: ['drill', 'scorecard'], properties: { drill: ref('DrillSummary'), scorecard: ref('Scorecard') } },
      ...gameDaySchemas,
    },
  },
} as const;

// The on-behalf headers of trusted front ends, on every state-changing operation (onBehalf.ts).
declareOnBehalfHeaders(openApiDocument as unknown as { paths: Record<string, unknown> });
