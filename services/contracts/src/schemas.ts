/**
 * JSON Schemas (draft-07) for runbooks and scorecards. Normative: the TypeScript types mirror them,
 * and tests validate fixtures and generated scorecards against them. Validation with Ajv lives in the
 * services (`discriminator: true`, `allErrors: true`), so this package stays dependency-free.
 */
import { FAULT_TYPES } from './faults.js';
import { OBJECTIVE_SLIS, STACK_MODEL_VARIANTS, STEP_KINDS } from './runbook.js';
import { DRILL_STATUSES } from './scorecard.js';
import { step } from './stepSchemaBase.js';
import { LIMITS, MAX_DURATION_MS, rangeSchema } from './limits.js';
import { providerStepSchemas, targetProvidersSchema } from './providers.js';
import { targetProtocolSchema } from './target.js';

/** `durationMaxMs` is checked by the validator (Ajv keyword); other readers ignore it. */
const duration = {
  type: 'string',
  pattern: '^[0-9]{1,9}(\\.[0-9]{1,6})?(ms|s|m|h)$',
  durationMaxMs: MAX_DURATION_MS,
  description: 'a duration such as "500ms", "30s", "2m" or "1h" (at most 24h)',
} as const;

const target = {
  type: 'string',
  pattern: '^(any:[1-9][0-9]*|zone:[a-z0-9-]+|replica:[a-z0-9-]+|all|gateway)$',
  description: 'a target selector: any:N, zone:<zone>, replica:<id>, all or gateway',
} as const;

const name = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 63, description: 'a lowercase name (a-z, 0-9, -)' } as const;

const expectation = {
  type: 'object',
  additionalProperties: false,
  required: ['op', 'value'],
  properties: { op: { enum: ['<', '<=', '>', '>=', '==', '!='] }, value: rangeSchema(LIMITS.expectValue) },
} as const;

const faultSpec = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    type: { enum: [...FAULT_TYPES] },
    rate: rangeSchema(LIMITS.faultRate),
    latencyMs: rangeSchema(LIMITS.faultLatencyMs),
    jitterMs: rangeSchema(LIMITS.faultJitterMs),
    distribution: { enum: ['fixed', 'uniform', 'normal', 'exponential'] },
    status: rangeSchema(LIMITS.faultStatus),
    threads: rangeSchema(LIMITS.faultThreads),
    exitCode: rangeSchema(LIMITS.faultExitCode),
  },
} as const;

const processKinds = ['process.kill', 'process.pause', 'process.resume', 'process.restart'];

const stepSchemas = [
  step('fault.inject', ['target', 'fault', 'ttl'], { target, fault: faultSpec, ttl: duration }),
  step('fault.clear', ['target'], { target, type: { enum: [...FAULT_TYPES] } }),
  step('wait', ['duration'], { duration }),
  step('probe.http', [], {
    url: { type: 'string', pattern: '^(https?://|/)' },
    target,
    path: { type: 'string', pattern: '^/' },
    method: { enum: ['GET', 'POST'] },
    body: {},
    expectStatus: rangeSchema(LIMITS.expectStatus),
    within: duration,
    timeout: duration,
  }),
  step('probe.promql', ['query', 'expect'], {
    query: { type: 'string', minLength: 1 },
    expect: expectation,
    prometheus: { type: 'string', pattern: '^https?://' },
    within: duration,
  }),
  step('probe.metrics', ['target', 'metric', 'expect'], {
    target,
    metric: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    mode: { enum: ['value', 'increase'] },
    expect: expectation,
    within: duration,
  }),
  step('model.deploy', ['target', 'version'], {
    target,
    version: { type: 'string', minLength: 1 },
    canaryWeight: rangeSchema(LIMITS.canaryWeight),
  }),
  step('model.rollback', ['target'], { target }),
  step('model.publish', ['version', 'mutation'], {
    from: { type: 'string', minLength: 1 },
    version: { type: 'string', minLength: 1 },
    mutation: { enum: ['none', 'shuffle-item-embeddings', 'zero-user-tower'] },
  }),
  ...processKinds.map((k) => step(k, ['target'], { target })),
  step('registry.wipe', ['target'], { target }),
  step('store.stop', [], {}),
  step('store.start', [], {}),
  step('store.corrupt', ['version'], { version: { type: 'string', minLength: 1 }, object: { enum: ['model', 'features', 'manifest'] } }),
  step('store.wipe', [], {}),
  step('store.restore', [], { from: { enum: ['backup'] } }),
  step('probe.store', [], {}),
  step('model.rollout', ['target', 'version'], { target, version: { type: 'string', minLength: 1 }, within: duration, onFailure: { enum: ['rollback', 'halt'] } }),
  step('replica.add', [], { zone: { type: 'string', pattern: '^[a-z0-9-]+$', description: 'a zone name (a-z, 0-9, -)' }, warmFrom: target, within: duration }),
  step('human.ack', ['prompt'], { prompt: { type: 'string', minLength: 1 }, timeout: duration, onTimeout: { enum: ['continue', 'abort'] } }),
];

const labels = {
  type: 'object',
  minProperties: 1,
  additionalProperties: { type: 'string', pattern: '^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$' },
  propertyNames: { pattern: '^([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$' },
  description: 'Kubernetes labels (name: value)',
} as const;
const kubeName = { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$', description: 'a Kubernetes object name' } as const;
const zone = { type: 'string', pattern: '^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$' } as const;
const selecting = {
  selector: labels,
  mode: { enum: ['one', 'fixed', 'fixed-percent', 'all'] },
  value: rangeSchema(LIMITS.kubeModeValue),
  ttl: duration,
};
/** `fixed` needs a pod count, `fixed-percent` a percent (1..100). */
const modeValue = {
  allOf: [
    { if: { properties: { mode: { const: 'fixed' } }, required: ['mode'] }, then: { required: ['value'] } },
    { if: { properties: { mode: { const: 'fixed-percent' } }, required: ['mode'] }, then: { required: ['value'], properties: { value: { maximum: 100 } } } },
  ],
};
const kubeStepSchemas = [
  { ...step('k8s.pod.delete', ['mode', 'ttl'], { ...selecting, gracePeriodSeconds: rangeSchema(LIMITS.kubeGracePeriodS) }), ...modeValue },
  step('k8s.scale', ['workload', 'replicas', 'ttl'], {
    workload: { type: 'object', additionalProperties: false, required: ['kind', 'name'], properties: { kind: { enum: ['Deployment', 'StatefulSet'] }, name: kubeName } },
    replicas: rangeSchema(LIMITS.kubeReplicas),
    ttl: duration,
  }),
  { ...step('chaos.pod', ['action', 'mode', 'ttl'], { ...selecting, action: { enum: ['pod-kill', 'pod-failure', 'container-kill'] }, containerNames: { type: 'array', minItems: 1, items: kubeName } }), ...modeValue },
  {
    ...step('chaos.network', ['action', 'mode', 'ttl'], {
      ...selecting,
      action: { enum: ['delay', 'loss', 'partition'] },
      latency: duration,
      jitter: duration,
      lossPercent: rangeSchema(LIMITS.kubeLossPercent),
      fromZone: zone,
      toZone: zone,
    }),
    allOf: [
      ...modeValue.allOf,
      { if: { properties: { action: { const: 'delay' } } }, then: { required: ['latency'] } },
      { if: { properties: { action: { const: 'loss' } } }, then: { required: ['lossPercent'] } },
      { if: { properties: { action: { const: 'partition' } } }, then: { required: ['fromZone', 'toZone'] } },
    ],
  },
  { ...step('chaos.stress', ['cpu', 'mode', 'ttl'], { ...selecting, cpu: { type: 'object', additionalProperties: false, required: ['workers', 'load'], properties: { workers: rangeSchema(LIMITS.kubeCpuWorkers), load: rangeSchema(LIMITS.kubeCpuLoad) } } }), ...modeValue },
  {
    ...step('chaos.http', ['port', 'mode', 'ttl'], {
      ...selecting,
      port: rangeSchema(LIMITS.kubePort),
      path: { type: 'string', pattern: '^/' },
      target: { enum: ['Request', 'Response'] },
      delay: duration,
      abort: { type: 'boolean' },
      replace: { type: 'object', additionalProperties: false, minProperties: 1, properties: { code: rangeSchema(LIMITS.kubeHttpStatus), body: { type: 'string' } } },
    }),
    allOf: [...modeValue.allOf, { anyOf: [{ required: ['delay'] }, { required: ['abort'] }, { required: ['replace'] }] }],
  },
  step('k8s.clear', [], {}),
];

export const stepSchema = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: [...STEP_KINDS] } },
  discriminator: { propertyName: 'kind' },
  oneOf: [...stepSchemas, ...kubeStepSchemas, ...providerStepSchemas],
} as const;

const phases = {
  type: 'object',
  additionalProperties: false,
  required: ['baseline', 'fault', 'recovery'],
  properties: { baseline: duration, fault: duration, recovery: duration },
} as const;

const phaseNumbers = {
  type: 'object',
  additionalProperties: false,
  properties: {
    baseline: rangeSchema(LIMITS.rate),
    fault: rangeSchema(LIMITS.rate),
    recovery: rangeSchema(LIMITS.rate),
  },
} as const;

const mixValue = { enum: ['training', 'drifted'] } as const;

export const runbookSchema = {
  $id: 'https://drillbook.dev/schemas/runbook.json',
  title: 'Drillbook runbook',
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'target', 'hypothesis', 'load', 'objectives', 'guardrails', 'steps', 'rollback'],
  properties: {
    apiVersion: { const: 'drillbook.dev/v1' },
    kind: { const: 'Runbook' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'title', 'owner'],
      properties: {
        name,
        title: { type: 'string', minLength: 1 },
        owner: { type: 'string', minLength: 1 },
        tags: { type: 'array', items: { type: 'string' } },
        description: { type: 'string' },
      },
    },
    target: {
      type: 'object',
      additionalProperties: false,
      required: ['service'],
      properties: {
        service: name,
        url: { type: 'string', pattern: '^https?://' },
        protocol: targetProtocolSchema,
        kubernetes: {
          type: 'object',
          additionalProperties: false,
          required: ['namespace', 'selector'],
          properties: { namespace: kubeName, selector: labels, zoneKey: { type: 'string', minLength: 1 } },
        },
        providers: targetProvidersSchema,
      },
    },
    hypothesis: { type: 'string', minLength: 10 },
    load: {
      type: 'object',
      additionalProperties: false,
      required: ['profile', 'rate', 'phases'],
      properties: {
        profile: { enum: ['smoke', 'average', 'peak', 'stress', 'spike', 'soak'] },
        rate: rangeSchema(LIMITS.rate),
        phases,
        phaseRates: phaseNumbers,
        mix: { type: 'object', additionalProperties: false, properties: { baseline: mixValue, fault: mixValue, recovery: mixValue } },
        scenario: { type: 'string', pattern: '^load-tests/.+\\.(js|ts)$' },
        timeout: duration,
        k: rangeSchema(LIMITS.k),
        distributed: {
          type: 'object',
          additionalProperties: false,
          required: ['parallelism', 'outputClaim'],
          properties: { parallelism: rangeSchema(LIMITS.loadParallelism), outputClaim: kubeName, sessionsConfigMap: kubeName, image: { type: 'string', minLength: 1 } },
        },
        quick: {
          type: 'object',
          additionalProperties: false,
          properties: {
            rate: rangeSchema(LIMITS.rate),
            phases: { type: 'object', additionalProperties: false, properties: { baseline: duration, fault: duration, recovery: duration } },
          },
        },
      },
    },
    objectives: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'sli', 'op', 'target'],
        properties: {
          name: { type: 'string', minLength: 1 },
          sli: { enum: [...OBJECTIVE_SLIS] },
          phase: { enum: ['baseline', 'fault', 'recovery', 'drill'] },
          op: { enum: ['<=', '>='] },
          target: rangeSchema(LIMITS.objectiveTarget),
          weight: rangeSchema(LIMITS.weight),
          probe: { type: 'string' },
          promql: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$', description: "the name of one of the service's PromQL SLIs (services[].slis[].name in the controller config)" },
          description: { type: 'string' },
          steadyState: { type: 'boolean' },
          within: duration,
        },
        allOf: [
          { if: { properties: { sli: { const: 'probe' } } }, then: { required: ['probe'] } },
          { if: { properties: { sli: { const: 'promql' } } }, then: { required: ['promql'] } },
        ],
      },
    },
    expectedAlerts: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        page: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' } },
        ticket: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' } },
      },
    },
    detection: {
      type: 'array',
      items: {
        type: 'object',
        required: ['kind'],
        properties: { kind: { enum: ['alert', 'metric'] } },
        discriminator: { propertyName: 'kind' },
        oneOf: [
          {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'alertname'],
            properties: {
              kind: { const: 'alert' },
              alertname: { type: 'string', minLength: 1 },
              prometheus: { type: 'string', pattern: '^https?://' },
              severity: { type: 'string' },
            },
          },
          {
            type: 'object',
            additionalProperties: false,
            required: ['kind', 'target', 'metric', 'expect'],
            properties: {
              kind: { const: 'metric' },
              target,
              metric: { type: 'string', pattern: '^[a-zA-Z_:][a-zA-Z0-9_:]*$' },
              labels: { type: 'object', additionalProperties: { type: 'string' } },
              mode: { enum: ['value', 'increase'] },
              expect: expectation,
            },
          },
        ],
      },
    },
    guardrails: {
      type: 'object',
      additionalProperties: false,
      required: ['maxDuration', 'blastRadius'],
      properties: {
        maxDuration: duration,
        blastRadius: {
          type: 'object',
          additionalProperties: false,
          required: ['maxReplicas'],
          properties: { maxReplicas: rangeSchema(LIMITS.blastReplicas), maxZones: rangeSchema(LIMITS.blastZones) },
        },
        abortWhen: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'sli', 'op', 'threshold', 'for'],
            properties: {
              name: { type: 'string', minLength: 1 },
              sli: { enum: ['error_rate', 'latency_p99_ms', 'availability', 'degraded_share'] },
              op: { enum: ['<=', '>='] },
              threshold: rangeSchema(LIMITS.abortThreshold),
              for: duration,
              window: duration,
            },
          },
        },
        minErrorBudget: rangeSchema(LIMITS.minErrorBudget),
        dryRun: { type: 'boolean' },
      },
    },
    steadyState: {
      type: 'object',
      additionalProperties: false,
      properties: { before: { type: 'array', items: stepSchema }, after: { type: 'array', items: stepSchema } },
    },
    steps: { type: 'array', minItems: 1, items: stepSchema },
    rollback: { type: 'array', items: stepSchema },
    onFailure: { type: 'string' },
    stack: {
      type: 'object',
      additionalProperties: false,
      properties: {
        replicas: rangeSchema(LIMITS.stackReplicas),
        zones: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^[a-z0-9-]+$' } },
        gateway: {
          type: 'object',
          additionalProperties: false,
          properties: {
            retries: { type: 'boolean' },
            maxInFlight: rangeSchema(LIMITS.gatewayMaxInFlight),
            ejection: { type: 'boolean' },
            canaryAnalysis: { type: 'boolean' },
            fallback: { type: 'boolean' },
          },
        },
        replica: {
          type: 'object',
          additionalProperties: false,
          properties: {
            fallback: { type: 'boolean' },
            maxQueue: rangeSchema(LIMITS.replicaMaxQueue),
            deadlineMs: rangeSchema(LIMITS.replicaDeadlineMs),
            featureTimeoutMs: rangeSchema(LIMITS.replicaFeatureTimeoutMs),
            maxBatch: rangeSchema(LIMITS.replicaMaxBatch),
            batchMs: rangeSchema(LIMITS.replicaBatchMs),
            drift: { type: 'boolean' },
            driftWindow: rangeSchema(LIMITS.replicaDriftWindow),
            backup: { type: 'boolean' },
            maxDelayMs: rangeSchema(LIMITS.replicaMaxDelayMs),
            ortThreads: rangeSchema(LIMITS.replicaOrtThreads),
            ortWorkers: rangeSchema(LIMITS.replicaOrtWorkers),
          },
        },
        shoppers: { type: 'boolean' },
        modelStore: {
          type: 'object',
          additionalProperties: false,
          properties: {
            cache: { type: 'boolean' },
            cacheMaxBytes: { type: 'integer', minimum: 1 },
          },
        },
        model: {
          type: 'object',
          additionalProperties: false,
          properties: {
            variant: { type: 'string', enum: [...STACK_MODEL_VARIANTS] },
          },
        },
      },
    },
  },
} as const;

const nullableNumber = { type: ['number', 'null'] } as const;
const latency = {
  type: 'object',
  required: ['p50', 'p95', 'p99', 'max'],
  properties: { p50: nullableNumber, p95: nullableNumber, p99: nullableNumber, max: nullableNumber },
} as const;

export const scorecardSchema = {
  $id: 'https://drillbook.dev/schemas/scorecard.json',
  title: 'Drillbook scorecard',
  type: 'object',
  required: [
    'schemaVersion', 'drillId', 'runbook', 'service', 'modelVersion', 'status', 'statusReason', 'score', 'hypothesis',
    'startedAt', 'endedAt', 'durationS', 'objectives', 'phases', 'timeToDetectS', 'detectedBy', 'timeToRecoverS',
    'interruptionS', 'recoveryRate', 'errorBudget', 'quality', 'degradedShare', 'proof', 'steadyState', 'load', 'abort',
    'faultWindows', 'timeline', 'series', 'evidence',
  ],
  properties: {
    schemaVersion: { const: 1 },
    drillId: { type: 'string', minLength: 1 },
    runbook: {
      type: 'object',
      required: ['name', 'title', 'sha256'],
      properties: { name: { type: 'string' }, title: { type: 'string' }, file: { type: 'string' }, sha256: { type: 'string', pattern: '^[a-f0-9]{64}$' } },
    },
    service: { type: 'string' },
    modelVersion: { type: ['string', 'null'] },
    status: { enum: [...DRILL_STATUSES] },
    statusReason: { type: 'string', minLength: 1 },
    score: { type: 'number', minimum: 0, maximum: 100 },
    hypothesis: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    endedAt: { type: 'string', format: 'date-time' },
    durationS: { type: 'number', minimum: 0 },
    objectives: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'sli', 'phase', 'op', 'target', 'measured', 'unit', 'verdict', 'weight', 'credit', 'contribution', 'maxContribution', 'explanation'],
        properties: {
          name: { type: 'string' },
          sli: { enum: [...OBJECTIVE_SLIS] },
          phase: { enum: ['baseline', 'fault', 'recovery', 'drill'] },
          op: { enum: ['<=', '>='] },
          target: { type: 'number' },
          measured: nullableNumber,
          unit: { enum: ['ratio', 'ms', 's', 'count'] },
          verdict: { enum: ['met', 'missed', 'no-data', 'inconclusive'] },
          weight: { type: 'number', exclusiveMinimum: 0 },
          credit: { type: 'number', minimum: 0, maximum: 1 },
          contribution: { type: 'number', minimum: 0, maximum: 100 },
          maxContribution: { type: 'number', minimum: 0, maximum: 100 },
          explanation: { type: 'string' },
          interval: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
          requestsToDecide: { type: ['integer', 'null'], minimum: 0 },
          promql: { type: 'string' },
          source: { type: 'string', minLength: 1 },
        },
      },
    },
    serviceSlis: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'title', 'source', 'prometheusUrl', 'note', 'windows'],
        properties: {
          name: { type: 'string', minLength: 1 },
          title: { type: 'string' },
          source: { type: 'string', pattern: '^promql: ' },
          prometheusUrl: { type: ['string', 'null'] },
          note: { type: ['string', 'null'] },
          windows: {
            type: 'array',
            items: {
              type: 'object',
              required: ['phase', 'startS', 'endS', 'window', 'at', 'query', 'value'],
              properties: {
                phase: { enum: ['baseline', 'fault', 'recovery', 'drill'] },
                startS: { type: 'number' },
                endS: { type: 'number' },
                window: { type: 'string', pattern: '^[0-9]+s$' },
                at: { type: 'string', format: 'date-time' },
                query: { type: 'string', minLength: 1 },
                value: nullableNumber,
              },
            },
          },
        },
      },
    },
    steadyState: {
      type: 'object',
      required: ['established', 'reason'],
      properties: { established: { type: 'boolean' }, reason: { type: 'string', minLength: 1 } },
    },
    phases: {
      type: 'array',
      items: {
        type: 'object',
        required: ['phase', 'startS', 'endS', 'requests', 'errors', 'errorRate', 'degraded', 'degradedShare', 'throughputRps', 'plannedRps', 'latencyMs', 'ndcg10'],
        properties: {
          phase: { enum: ['baseline', 'fault', 'recovery'] },
          startS: { type: 'number' },
          endS: { type: 'number' },
          requests: { type: 'integer', minimum: 0 },
          errors: { type: 'integer', minimum: 0 },
          errorRate: nullableNumber,
          degraded: { type: 'integer', minimum: 0 },
          degradedShare: nullableNumber,
          throughputRps: nullableNumber,
          plannedRps: nullableNumber,
          latencyMs: latency,
          ndcg10: nullableNumber,
        },
      },
    },
    timeToDetectS: nullableNumber,
    detectedBy: { type: ['string', 'null'] },
    detection: {
      type: 'object',
      required: ['source', 'prometheus', 'note', 'projected', 'faultAtS', 'timeline', 'impact', 'boundS', 'undetectedImpact', 'noise'],
      properties: {
        source: { enum: ['prometheus', 'none'] },
        prometheus: { type: ['string', 'null'] },
        note: { type: ['string', 'null'] },
        projected: { type: 'boolean' },
        faultAtS: nullableNumber,
        timeline: {
          type: 'array',
          items: {
            type: 'object',
            required: ['alertname', 'severity', 'expected', 'forS', 'pendingS', 'firingS', 'projectedFiringS', 'resolvedS', 'firedInBaseline'],
            properties: {
              alertname: { type: 'string' },
              severity: { type: ['string', 'null'] },
              expected: { type: 'boolean' },
              forS: { type: 'number', minimum: 0 },
              pendingS: nullableNumber,
              firingS: nullableNumber,
              projectedFiringS: nullableNumber,
              resolvedS: nullableNumber,
              firedInBaseline: { type: 'boolean' },
            },
          },
        },
        impact: { type: 'array', items: { type: 'string' } },
        boundS: { type: 'number', minimum: 0 },
        undetectedImpact: { type: ['boolean', 'null'] },
        noise: { type: 'array', items: { type: 'string' } },
      },
    },
    timeToRecoverS: nullableNumber,
    interruptionS: { type: 'number', minimum: 0 },
    recoveryRate: nullableNumber,
    errorBudget: {
      type: 'object',
      required: ['slo', 'objective', 'periodDays', 'events', 'badEvents', 'burnRate', 'consumed', 'remainingAtStart'],
      properties: {
        slo: { type: 'string' },
        objective: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
        periodDays: { type: 'number', exclusiveMinimum: 0 },
        events: { type: 'integer', minimum: 0 },
        badEvents: { type: 'integer', minimum: 0 },
        burnRate: nullableNumber,
        consumed: nullableNumber,
        remainingAtStart: nullableNumber,
      },
    },
    quality: {
      type: 'object',
      required: ['baselineNdcg10', 'drillNdcg10', 'ndcgRatio', 'scoredRequests'],
      properties: { baselineNdcg10: nullableNumber, drillNdcg10: nullableNumber, ndcgRatio: nullableNumber, scoredRequests: { type: 'integer', minimum: 0 } },
    },
    degradedShare: nullableNumber,
    proof: {
      type: 'object',
      required: ['valid', 'faultObserved', 'loadDelivered'],
      properties: {
        valid: { type: 'boolean' },
        faultObserved: {
          type: 'object',
          required: ['ok', 'evidence'],
          properties: { ok: { type: 'boolean' }, evidence: { type: 'array', items: { type: 'string' } } },
        },
        loadDelivered: {
          type: 'object',
          required: ['ok', 'plannedRequests', 'sentRequests', 'droppedIterations', 'achievedRatio'],
          properties: {
            ok: { type: 'boolean' },
            plannedRequests: { type: 'integer', minimum: 0 },
            sentRequests: { type: 'integer', minimum: 0 },
            droppedIterations: { type: 'integer', minimum: 0 },
            achievedRatio: nullableNumber,
          },
        },
      },
    },
    load: {
      type: 'object',
      required: ['engine', 'generator', 'thresholdsOk', 'exitCode', 'thresholds'],
      properties: {
        engine: { enum: ['builtin', 'k6'] },
        generator: {
          type: 'object',
          required: ['schedLagP99Ms', 'droppedIterations', 'hostCpuBusy', 'hostCpuSteal', 'saturated', 'reason', 'phases'],
          properties: {
            schedLagP99Ms: nullableNumber,
            droppedIterations: { type: 'integer', minimum: 0 },
            hostCpuBusy: { type: ['number', 'null'], minimum: 0, maximum: 1 },
            hostCpuSteal: { type: ['number', 'null'], minimum: 0, maximum: 1 },
            saturated: { type: 'boolean' },
            reason: { type: 'string' },
            phases: {
              type: 'array',
              items: {
                type: 'object',
                required: ['phase', 'schedLagP99Ms', 'schedLagMaxMs', 'droppedIterations', 'hostCpuBusy', 'hostCpuSteal'],
                properties: {
                  phase: { enum: ['baseline', 'fault', 'recovery'] },
                  schedLagP99Ms: nullableNumber,
                  schedLagMaxMs: nullableNumber,
                  droppedIterations: { type: 'integer', minimum: 0 },
                  hostCpuBusy: { type: ['number', 'null'], minimum: 0, maximum: 1 },
                  hostCpuSteal: { type: ['number', 'null'], minimum: 0, maximum: 1 },
                },
              },
            },
          },
        },
        thresholdsOk: { type: 'boolean' },
        exitCode: { type: ['integer', 'null'] },
        thresholds: {
          type: 'array',
          items: { type: 'object', required: ['metric', 'expr', 'ok'], properties: { metric: { type: 'string' }, expr: { type: 'string' }, ok: { type: 'boolean' } } },
        },
      },
    },
    abort: {
      oneOf: [
        { type: 'null' },
        { type: 'object', required: ['source', 'reason', 'atS'], properties: { source: { type: 'string' }, reason: { type: 'string' }, atS: { type: 'number' } } },
      ],
    },
    faultWindows: {
      type: 'array',
      items: { type: 'object', required: ['label', 'startS', 'endS'], properties: { label: { type: 'string' }, startS: { type: 'number' }, endS: { type: 'number' } } },
    },
    timeline: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'kind', 'phase', 'status', 'startS', 'endS'],
        properties: {
          id: { type: 'string' }, name: { type: 'string' }, kind: { type: 'string' }, phase: { type: 'string' },
          status: { type: 'string' }, startS: { type: 'number' }, endS: nullableNumber, error: { type: 'string' },
        },
      },
    },
    series: {
      type: 'object',
      required: ['t', 'rps', 'errorRate', 'p99Ms', 'degradedShare'],
      properties: {
        t: { type: 'array', items: { type: 'number' } },
        rps: { type: 'array', items: { type: 'number' } },
        errorRate: { type: 'array', items: nullableNumber },
        p99Ms: { type: 'array', items: nullableNumber },
        degradedShare: { type: 'array', items: nullableNumber },
      },
    },
    evidence: {
      type: 'object',
      required: ['journal', 'loadSummary', 'points', 'report', 'junit'],
      properties: {
        journal: { type: 'string' }, loadSummary: { type: 'string' }, points: { type: 'string' }, report: { type: 'string' }, junit: { type: 'string' },
      },
    },
    onFailure: { type: 'string' },
  },
} as const;
