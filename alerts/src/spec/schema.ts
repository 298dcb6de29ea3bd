/**
 * JSON Schema (draft-07) of the OpenSLO v1 `kind: SLO` subset Drillbook reads; the TypeScript shape is
 * `OpenSloSlo` in @drillbook/contracts. Fields OpenSLO has but Drillbook does not use (indicatorRef,
 * alertPolicies, calendar windows, Timeslices budgeting) are rejected by name rather than ignored.
 */
const name = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]*$',
  maxLength: 63,
  description: 'a lowercase name (a-z, 0-9, -)',
} as const;

const metricSource = {
  type: 'object',
  additionalProperties: false,
  required: ['metricSource'],
  properties: {
    metricSource: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'spec'],
      properties: {
        type: { const: 'Prometheus' },
        spec: {
          type: 'object',
          additionalProperties: false,
          required: ['query'],
          properties: { query: { type: 'string', minLength: 1 } },
        },
      },
    },
  },
} as const;

export const SLO_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'openslo/v1' },
    kind: { const: 'SLO' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name,
        displayName: { type: 'string', minLength: 1 },
        labels: {
          type: 'object',
          propertyNames: {
            pattern: '^(?!sloth_)[a-zA-Z_][a-zA-Z0-9_]*$',
            description: 'a Prometheus label name not starting with sloth_',
          },
          additionalProperties: { type: 'string' },
        },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['service', 'indicator', 'timeWindow', 'budgetingMethod', 'objectives'],
      properties: {
        service: name,
        description: { type: 'string' },
        indicator: {
          type: 'object',
          additionalProperties: false,
          required: ['metadata', 'spec'],
          properties: {
            metadata: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: { name, displayName: { type: 'string' } },
            },
            spec: {
              type: 'object',
              additionalProperties: false,
              required: ['ratioMetric'],
              properties: {
                ratioMetric: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['counter', 'total'],
                  properties: { counter: { const: true }, good: metricSource, bad: metricSource, total: metricSource },
                },
              },
            },
          },
        },
        timeWindow: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['duration', 'isRolling'],
            properties: {
              duration: { type: 'string', pattern: '^[1-9][0-9]*d$', description: 'a whole number of days such as "30d"' },
              isRolling: { const: true },
            },
          },
        },
        budgetingMethod: { const: 'Occurrences' },
        objectives: {
          type: 'array',
          minItems: 1,
          maxItems: 1,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['target'],
            properties: {
              displayName: { type: 'string' },
              target: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
              op: { enum: ['lte', 'lt'] },
              value: { type: 'number', exclusiveMinimum: 0 },
            },
          },
        },
      },
    },
  },
} as const;
