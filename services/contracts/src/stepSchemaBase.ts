/**
 * The fields every runbook step shares and the builder of one step kind's JSON Schema, used by the
 * runbook schema (schemas.ts) and the provider steps (providers.ts) alike.
 */
export const stepBase = {
  name: { type: 'string', minLength: 1 },
  phase: { enum: ['fault', 'recovery'] },
  description: { type: 'string' },
  continueOnFailure: { type: 'boolean' },
} as const;

export function step(kind: string | string[], required: string[], properties: Record<string, unknown>) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['kind', 'name', ...required],
    properties: { kind: Array.isArray(kind) ? { enum: kind } : { const: kind }, ...stepBase, ...properties },
  };
}
