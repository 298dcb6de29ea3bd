/** JSON Schema of the controller's YAML configuration (draft-07, validated with Ajv). */
import { targetProtocolSchema } from '@drillbook/contracts';
import { gameDaysSchema } from '../../gameday/config.js';

const nonEmpty = { type: 'string', minLength: 1 } as const;
const url = { type: 'string', pattern: '^https?://[^\\s]+$', description: 'an http(s) URL' } as const;
const id = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 63, description: 'a lowercase id (a-z, 0-9, -)' } as const;
const strings = { type: 'array', items: nonEmpty } as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: {
      type: 'object',
      additionalProperties: false,
      properties: { host: nonEmpty, port: { type: 'integer', minimum: 0, maximum: 65535 } },
    },
    dataDir: nonEmpty,
    database: {
      type: 'object',
      additionalProperties: false,
      properties: {
        url: { type: 'string', pattern: '^postgres(ql)?://', description: 'a postgres:// connection URL' },
        urlEnv: nonEmpty,
      },
    },
    runbooks: strings,
    sloSpecs: nonEmpty,
    refreshIntervalS: { type: 'number', minimum: 1, maximum: 300 },
    loadEngine: { enum: ['auto', 'builtin', 'k6'] },
    prometheus: { type: 'object', additionalProperties: false, required: ['url'], properties: { url } },
    grafana: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: { url, token: nonEmpty, tokenEnv: nonEmpty, dashboardUid: nonEmpty },
    },
    cors: { type: 'object', additionalProperties: false, properties: { origins: { type: 'array', items: { type: 'string', pattern: '^(\\*|https?://[^/\\s]+)$', description: 'an origin such as https://backstage.example.com, or *' } } } },
    trustProxy: { type: 'boolean' },
    gameDays: gameDaysSchema,
    metrics: { type: 'object', additionalProperties: false, properties: { public: { type: 'boolean' } } },
    tokens: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'sha256', 'role'],
        properties: {
          name: nonEmpty,
          sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'the lowercase hex sha256 of the token (echo -n TOKEN | sha256sum)' },
          role: { enum: ['viewer', 'operator', 'admin', 'approver'] },
          services: strings,
          onBehalfOf: {
            enum: [true, false, 'grafana'],
            description: 'true: a trusted front end that may send X-Drillbook-On-Behalf-Of(-Groups); grafana: may send X-Grafana-User (and X-Grafana-Context) from Grafana\'s plugin proxy',
          },
        },
      },
    },
    grants: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['role'],
        oneOf: [{ required: ['person'] }, { required: ['group'] }],
        properties: {
          person: { type: 'string', minLength: 1, maxLength: 256, description: 'a person as a front end names them: user:default/alice (Backstage) or grafana:alice (a Grafana login)' },
          group: { type: 'string', minLength: 1, maxLength: 256, description: 'a group: group:default/team-recsys (Backstage), grafana:role/Editor (a Grafana org role) or grafana:team/3 (a Grafana team id)' },
          role: { enum: ['viewer', 'operator', 'admin', 'approver'] },
          services: strings,
        },
      },
    },
    embedded: {
      type: 'object',
      additionalProperties: false,
      properties: {
        replicas: { type: 'integer', minimum: 1, maximum: 12 },
        zones: { type: 'array', items: id, minItems: 1 },
        shopperRate: { type: 'number', minimum: 0, maximum: 1000 },
        items: { type: 'integer', minimum: 100 },
        users: { type: 'integer', minimum: 10 },
        /** A StackConfig JSON file (e.g. `drillbook tune`'s recommended.json), relative to this file. */
        stackConfig: { type: 'string', minLength: 1 },
      },
    },
    services: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'owner'],
        properties: {
          id,
          title: nonEmpty,
          owner: nonEmpty,
          description: { type: 'string' },
          entityRef: { type: 'string', pattern: '^[a-z]+:([a-z0-9-]+/)?[a-z0-9._-]+$', description: 'a Backstage entity ref such as component:default/recsys-reference' },
          tags: strings,
          gateway: {
            type: 'object',
            additionalProperties: false,
            required: ['url'],
            properties: { url, adminToken: nonEmpty, adminTokenEnv: nonEmpty, controlUrl: url, sessionsFile: nonEmpty, protocol: targetProtocolSchema },
          },
          replicas: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['id', 'zone', 'url'], properties: { id, zone: nonEmpty, url } },
          },
          slos: strings,
          prometheus: { type: 'object', additionalProperties: false, properties: { matchers: nonEmpty, replicaSelector: nonEmpty } },
          gpu: { type: 'object', additionalProperties: false, properties: { dcgmSelector: nonEmpty } },
          slis: {
            type: 'array',
            description: 'SLIs from PromQL over the service\'s own metrics (e.g. Triton nv_inference_request_success/failure)',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name', 'objective', 'errorRatio'],
              properties: {
                name: id,
                title: nonEmpty,
                sli: { enum: ['availability', 'latency', 'degraded', 'quality'] },
                objective: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
                period: { type: 'string', pattern: '^[1-9][0-9]*d$', description: 'a period in days such as "30d"' },
                errorRatio: { type: 'string', pattern: '\\{\\{\\s*\\.window\\s*\\}\\}', description: 'a PromQL bad/total ratio with the {{.window}} placeholder, e.g. sum(rate(bad[{{.window}}])) / sum(rate(total[{{.window}}]))' },
              },
            },
          },
        },
      },
    },
  },
} as const;
