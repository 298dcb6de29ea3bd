import { describe, expect, it } from 'vitest';
import { InvalidStackConfig, mergeStackSpec, parseStackConfig, stackConfigFile } from './stackConfig.js';

describe('stack config files (recommended.json)', () => {
  it('round-trips what drillbook tune writes, provenance kept', () => {
    const f = stackConfigFile({ replicas: 3, replica: { maxBatch: 8, maxDelayMs: 5, ortThreads: 1 }, gateway: { maxInFlight: 16 } }, { measured: { compliantRps: 400 } });
    const back = parseStackConfig(JSON.stringify(f), 'recommended.json');
    expect(back.spec).toEqual({ replicas: 3, replica: { maxBatch: 8, maxDelayMs: 5, ortThreads: 1 }, gateway: { maxInFlight: 16 } });
    expect(back.measured).toEqual({ compliantRps: 400 });
  });

  it('names the file and the field of a bad value or an unknown key', () => {
    const bad = JSON.stringify({ apiVersion: 'drillbook.dev/v1', kind: 'StackConfig', spec: { replicas: 0, replica: { maxBatch: 'lots', hedging: 5 } } });
    expect(() => parseStackConfig(bad, 'r.json')).toThrow(InvalidStackConfig);
    try {
      parseStackConfig(bad, 'r.json');
    } catch (e) {
      const m = (e as Error).message;
      expect(m).toContain('r.json');
      expect(m).toContain('spec.replicas: must be >= 1, got 0');
      expect(m).toContain('spec.replica.maxBatch: expected an integer, got "lots"');
      expect(m).toContain('spec.replica.hedging: unknown key');
    }
  });

  it('refuses a file of another kind', () => {
    expect(() => parseStackConfig('{"apiVersion":"drillbook.dev/v1","kind":"Runbook","spec":{}}', 'x.json')).toThrow(/kind: expected "StackConfig"/);
  });

  it('a tuned config on top of a runbook stack section merges gateway and replica key by key', () => {
    expect(mergeStackSpec({ replicas: 2, replica: { batchMs: 40, maxBatch: 2 }, gateway: { maxInFlight: 6 } }, { replica: { maxBatch: 8 } })).toEqual({ replicas: 2, replica: { batchMs: 40, maxBatch: 8 }, gateway: { maxInFlight: 6 } });
  });

  it('accepts a model variant and names the field of an unknown one', () => {
    const f = (spec: unknown) => JSON.stringify({ apiVersion: 'drillbook.dev/v1', kind: 'StackConfig', spec });
    expect(parseStackConfig(f({ model: { variant: 'int8' } }), 'r.json').spec.model).toEqual({ variant: 'int8' });
    expect(() => parseStackConfig(f({ model: { variant: 'int4' } }), 'r.json')).toThrow('r.json: invalid stack config: spec.model.variant: expected one of fp32, int8, fp16, got "int4"');
    expect(() => parseStackConfig(f({ model: { variant: 8 } }), 'r.json')).toThrow('spec.model.variant: expected a string');
    expect(() => parseStackConfig(f({ model: { version: 'v2' } }), 'r.json')).toThrow('spec.model.version: unknown key (expected one of variant)');
  });

  it('a tuned model variant replaces the runbook stack section one', () => {
    expect(mergeStackSpec({ replicas: 2, model: { variant: 'fp16' } }, { model: { variant: 'int8' } })).toEqual({ replicas: 2, model: { variant: 'int8' } });
    expect(mergeStackSpec({ replicas: 2 }, { replica: { maxBatch: 8 } })).toEqual({ replicas: 2, replica: { maxBatch: 8 } });
  });
});
