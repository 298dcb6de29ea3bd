import { describe, expect, it } from 'vitest';
import { generateWorld } from '../world/generator.js';
import { OnnxScorer } from '../serving/session.js';
import { evaluate } from './evaluate.js';
import { exportOnnx } from './onnx.js';
import { trainTwoTower } from './train.js';
import { exportOnnxVariant, parseVariants, quantizeRows, toFloat16Bits } from './variants.js';

describe('compressed model variants', () => {
  it('quantizes each row with its own scale, so a row of small values keeps its precision', () => {
    const m = new Float32Array([1, -0.5, 0.25, 0.001, -0.002, 0.0005]);
    const { q, scale } = quantizeRows(m, 2, 3);
    expect(Array.from(q.slice(0, 3))).toEqual([127, -63, 32]); // -63.5 rounds to -63 (Math.round)
    expect(scale[1]).toBeCloseTo(0.002 / 127, 8);
    for (let i = 3; i < 6; i++) expect(Math.abs(q[i] * scale[1] - m[i])).toBeLessThan(0.002 / 127);
  });

  it('encodes float16 like IEEE 754 binary16', () => {
    expect(toFloat16Bits(1)).toBe(0x3c00);
    expect(toFloat16Bits(-2)).toBe(0xc000);
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(1e6)).toBe(0x7c00);
    expect(toFloat16Bits(5.960464477539063e-8)).toBe(0x0001);
  });

  it('names an unknown variant in the error', () => {
    expect(parseVariants('int8, fp16,int8')).toEqual(['int8', 'fp16']);
    expect(() => parseVariants('int8,int4')).toThrow('--variants: unknown variant "int4" (expected fp32, int8, fp16)');
  });

  it('int8 and fp16 exports run in onnxruntime, are smaller, and lose little offline quality', async () => {
    const world = generateWorld({ items: 1500, users: 600, sessionsPerUser: 8 });
    const w = trainTwoTower(world, { epochs: 4 });
    const fp32 = exportOnnx(w);
    const quality = async (bytes: Uint8Array) => {
      const s = await OnnxScorer.create(bytes, w.shape);
      try {
        return (await evaluate(world, s, { maxSessions: 400 })).model;
      } finally {
        await s.release();
      }
    };
    const base = await quality(fp32);
    for (const [variant, maxRatio] of [['int8', 0.32], ['fp16', 0.55]] as const) {
      const bytes = exportOnnxVariant(w, variant);
      expect(bytes.length / fp32.length).toBeLessThan(maxRatio);
      const q = await quality(bytes);
      expect(q.evaluated).toBe(base.evaluated);
      expect(q.ndcgAt10).toBeGreaterThan(base.ndcgAt10 * 0.9);
      expect(q.recallAt50).toBeGreaterThan(base.recallAt50 * 0.9);
    }
  });
});
