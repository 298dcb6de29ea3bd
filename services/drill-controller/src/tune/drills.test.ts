import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { referenceStackAdapter } from './adapter.js';
import { candidateRunbook } from './drills.js';
import { loadRunbook } from '../runbook/validate.js';

const overload = () => loadRunbook(fileURLToPath(new URL('../../../../runbooks/overload.yaml', import.meta.url))).runbook;

describe("a finalist's drill", () => {
  it("runs the candidate's configuration with the background shoppers on (the SLO alerts watch only them), at its own capacity", () => {
    // The rate search's configuration: a quiet stack, no shoppers.
    const spec = referenceStackAdapter.configOf({ maxBatch: 8, loadShedThreshold: 16 }, { replicas: 3, replica: { batchMs: 25 } });
    expect(spec.shoppers).toBe(false);
    const rb = candidateRunbook(overload(), spec, 280);
    expect(rb.stack).toMatchObject({ replicas: 3, replica: { maxBatch: 8, batchMs: 25 }, gateway: { maxInFlight: 16 } });
    expect(rb.stack!.shoppers).toBeUndefined(); // the stack's default: shoppers on
    expect(rb.load.rate).toBe(140);
    expect(rb.load.quick!.rate).toBe(140);
    expect(rb.load.phaseRates!.fault).toBe(560);
  });

  it("keeps a runbook's own shoppers setting", () => {
    const rb = overload();
    rb.stack = { ...rb.stack, shoppers: false };
    expect(candidateRunbook(rb, referenceStackAdapter.configOf({ maxBatch: 4 }, undefined), 100).stack!.shoppers).toBe(false);
  });
});
