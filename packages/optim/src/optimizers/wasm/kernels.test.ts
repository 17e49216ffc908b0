import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { build, TS_PATH, WAT_PATH } from '../../../scripts/build-wasm.mjs';
import { Parameter, zeros } from '../../index.js';
import type { Hyperparameters, Optimizer } from '../../optimizer.js';
import { Adadelta, adadeltaFloat32Loop, adadeltaUpdate } from '../adadelta.js';
import { Adagrad, adagradFloat32Loop, adagradUpdate } from '../adagrad.js';
import { Adam, adamFloat32Loop, adamUpdate } from '../adam.js';
import { Adamax, adamaxFloat32Loop, adamaxUpdate } from '../adamax.js';
import { ASGD, asgdFloat32Loop, asgdUpdate } from '../asgd.js';
import type { FloatArray } from '../common.js';
import { NAdam, nadamFloat32Loop, nadamUpdate } from '../nadam.js';
import { RAdam, radamFloat32Loop, radamUpdate } from '../radam.js';
import { RMSprop, rmspropFloat32Loop, rmspropUpdate } from '../rmsprop.js';
import { Rprop, rpropLoop, rpropUpdate } from '../rprop.js';
import { SGD, sgdFloat32Loop, sgdUpdate } from '../sgd.js';
import { float32KernelsAvailable } from './kernels.js';
import { CHUNK, optimizersWasmBase64 } from './optimizers-wasm.js';

/** Two chunks and a partial vector: every path through the chunking and the vector tail. */
const LENGTH = 2 * CHUNK + 7;

/** Values no optimizer step should mishandle, mixed into the random ones. */
const SPECIAL = [0, -0, NaN, Infinity, -Infinity, 1e-45, -3e-42, 1e-30, 3e38, -1e20, 1, -1];

/**
 * Deterministic float32 values, log-uniform in magnitude over 1e-6…10, positive or of either
 * sign, one in 97 special unless `special` is false.
 */
function values(seed: number, positive = false, special = true): Float32Array {
  const out = new Float32Array(LENGTH);
  let state = seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  for (let i = 0; i < LENGTH; i++) {
    const magnitude = 10 ** (7 * next() - 6);
    out[i] = special && i % 97 === 5 ? SPECIAL[(i / 97) % SPECIAL.length | 0]! : positive || next() < 0.5 ? magnitude : -magnitude;
  }
  return out;
}

/** The full options of an optimizer built with `options` (its defaults filled in). */
function filled<H extends Hyperparameters>(make: (params: Parameter[]) => Optimizer<H>): H {
  return make([new Parameter(zeros(1))]).defaults;
}

/** Asserts the arrays hold the same floats, bit for bit up to NaN payloads (±0 differ). */
function expectSameBits(actual: FloatArray, expected: FloatArray, label: string): void {
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect.fail(`${label}[${i}]: kernel ${actual[i]}, loop ${expected[i]}`);
  }
}

/** Three steps of `step` (the update when `kernel`, else the float32 loop) on copies of `arrays`. */
function run(arrays: (FloatArray | null)[], step: (arrays: (FloatArray | null)[], t: number, kernel: boolean) => void, kernel: boolean, copy = (a: FloatArray) => a.slice()): (FloatArray | null)[] {
  const copies = arrays.map((a) => (a === null ? null : copy(a)));
  for (let t = 1; t <= 3; t++) step(copies, t, kernel);
  return copies;
}

/**
 * Checks that the update (the WebAssembly kernel, for float32) and the float32 loop (its
 * TypeScript twin) leave every array with the same bits, special values included; and that the
 * update on float64 copies of ordinary values (the float64 loop) moves the parameter where the
 * float32 one does, to float32 precision.
 */
function expectSameSteps(arrays: (FloatArray | null)[], step: (arrays: (FloatArray | null)[], t: number, kernel: boolean) => void): void {
  const kernel = run(arrays, step, true);
  const loop = run(arrays, step, false);
  kernel.forEach((a, k) => {
    if (a !== null) expectSameBits(a, loop[k]!, `array ${k}`);
  });
  expect(kernel[0]).not.toEqual(arrays[0]);

  // A fresh state (zeros; NAdam's Π, ASGD's η and μ as they are), ordinary θ and g.
  const ordinary = arrays.map((a, k) => (a === null ? null : a.length === 1 ? a : k < 2 ? values(10 + k, false, false) : new Float32Array(LENGTH)));
  const start = ordinary[0]!;
  const single = run(ordinary, step, true)[0]!;
  const double = run(ordinary, step, true, (a) => Float64Array.from(a))[0]!;
  expect(double).toBeInstanceOf(Float64Array);
  for (let i = 0; i < single.length; i++) {
    // Float32 rounding of the larger of θ before and after (a step may cancel most of θ), plus
    // 1e-6 for elements where g + λθ nearly cancels: 1e-4 of a step, where a wrong formula is off
    // by the whole step.
    const tolerance = 1e-5 * Math.max(Math.abs(start[i]!), Math.abs(double[i]!)) + 1e-6;
    if (!(Math.abs(single[i]! - double[i]!) <= tolerance) && !(Number.isNaN(single[i]) && Number.isNaN(double[i]))) {
      expect.fail(`parameter[${i}]: float32 ${single[i]}, float64 ${double[i]}`);
    }
  }
}

describe('the float32 optimizer kernels', () => {
  it('run here (Node has WebAssembly SIMD), so the comparisons below test them', () => {
    expect(float32KernelsAvailable()).toBe(true);
  });

  for (const options of [{}, { momentum: 0.9 }, { momentum: 0.9, dampening: 0.1, weightDecay: 0.1, maximize: true }, { momentum: 0.5, nesterov: true }]) {
    it(`SGD(${JSON.stringify(options)}): the kernel gives the bits of sgdFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new SGD(params, { lr: 0.01, ...options }));
      const buffer = o.momentum > 0 ? values(3) : null;
      // The buffer is created (b ← g) on the first step.
      expectSameSteps([values(1), values(2), buffer], ([p, g, b], t, kernel) => (kernel ? sgdUpdate : sgdFloat32Loop)(p!, g!, b ?? null, t === 1, o));
    });
  }

  // μ starts at 1 (the average is a copy of θ) or at ½ (the average moves halfway).
  for (const [options, mu] of [[{}, 1], [{ lambd: 0.1, weightDecay: 0.1, maximize: true }, 0.5]] as const) {
    it(`ASGD(${JSON.stringify(options)}) with μ = ${mu}: the kernel gives the bits of asgdFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new ASGD(params, { lr: 0.05, ...options }));
      // η and μ (the last two arrays) are compared too.
      expectSameSteps([values(1), values(2), values(3), new Float32Array([o.lr]), new Float32Array([mu])], ([p, g, a, eta, weight], t, kernel) =>
        (kernel ? asgdUpdate : asgdFloat32Loop)(p!, g!, a!, eta!, weight!, t, o));
    });
  }

  const adamOptions = [{}, { weightDecay: 0.1, amsgrad: true, maximize: true }, { weightDecay: 0.05, decoupledWeightDecay: true, betas: [0.3, 0.9] as [number, number], eps: 1e-3 }];
  for (const options of adamOptions) {
    it(`Adam(${JSON.stringify(options)}): the kernel gives the bits of adamFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new Adam(params, { lr: 0.01, ...options }));
      const max = o.amsgrad ? values(5, true) : null;
      expectSameSteps([values(1), values(2), values(3), values(4, true), max], ([p, g, m, v, vmax], t, kernel) =>
        (kernel ? adamUpdate : adamFloat32Loop)(p!, g!, m!, v!, vmax ?? null, t, o));
    });
  }

  for (const options of [{}, { weightDecay: 0.1, decoupledWeightDecay: true, betas: [0.6, 0.99] as [number, number], maximize: true }, { weightDecay: 0.1 }]) {
    it(`NAdam(${JSON.stringify(options)}): the kernel gives the bits of nadamFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new NAdam(params, options));
      // Π (the last array) is compared too.
      expectSameSteps([values(1), values(2), values(3), values(4, true), new Float32Array([1])], ([p, g, m, v, product], t, kernel) =>
        (kernel ? nadamUpdate : nadamFloat32Loop)(p!, g!, m!, v!, product!, t, o));
    });
  }

  // ρₜ > 5 from t = 6 with β₂ = 0.999; with β₂ = 0.5 never (ρ∞ = 3).
  for (const [options, offset] of [[{}, 0], [{}, 10], [{ weightDecay: 0.1, decoupledWeightDecay: true, maximize: true }, 10], [{ weightDecay: 0.1, betas: [0.9, 0.5] as [number, number] }, 10]] as const) {
    it(`RAdam(${JSON.stringify(options)}) from step ${offset + 1}: the kernel gives the bits of radamFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new RAdam(params, options));
      expectSameSteps([values(1), values(2), values(3), values(4, true)], ([p, g, m, v], t, kernel) =>
        (kernel ? radamUpdate : radamFloat32Loop)(p!, g!, m!, v!, t + offset, o));
    });
  }

  for (const options of [{}, { weightDecay: 0.1, betas: [0.7, 0.9] as [number, number], maximize: true }]) {
    it(`Adamax(${JSON.stringify(options)}): the kernel gives the bits of adamaxFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new Adamax(params, options));
      expectSameSteps([values(1), values(2), values(3), values(4, true)], ([p, g, m, u], t, kernel) =>
        (kernel ? adamaxUpdate : adamaxFloat32Loop)(p!, g!, m!, u!, t, o));
    });
  }

  for (const options of [{}, { lrDecay: 0.05, weightDecay: 0.1, maximize: true }]) {
    it(`Adagrad(${JSON.stringify(options)}): the kernel gives the bits of adagradFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new Adagrad(params, options));
      expectSameSteps([values(1), values(2), values(3, true)], ([p, g, s], t, kernel) => (kernel ? adagradUpdate : adagradFloat32Loop)(p!, g!, s!, t, o));
    });
  }

  for (const options of [{}, { centered: true }, { momentum: 0.9 }, { centered: true, momentum: 0.5, weightDecay: 0.1, alpha: 0.3, maximize: true }]) {
    it(`RMSprop(${JSON.stringify(options)}): the kernel gives the bits of rmspropFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new RMSprop(params, options));
      const mean = o.centered ? values(4) : null;
      const buffer = o.momentum > 0 ? values(5) : null;
      expectSameSteps([values(1), values(2), values(3, true), mean, buffer], ([p, g, v, ga, b], _t, kernel) =>
        (kernel ? rmspropUpdate : rmspropFloat32Loop)(p!, g!, v!, ga ?? null, b ?? null, o));
    });
  }

  for (const options of [{}, { lr: 0.5, rho: 0.8, weightDecay: 0.1, eps: 1e-5, maximize: true }]) {
    it(`Adadelta(${JSON.stringify(options)}): the kernel gives the bits of adadeltaFloat32Loop, float64 the same steps`, () => {
      const o = filled((params) => new Adadelta(params, options));
      expectSameSteps([values(1), values(2), values(3, true), values(4, true)], ([p, g, v, u], _t, kernel) => (kernel ? adadeltaUpdate : adadeltaFloat32Loop)(p!, g!, v!, u!, o));
    });
  }

  for (const options of [{}, { lr: 0.05, etas: [0.3, 1.5] as [number, number], stepSizes: [1e-3, 0.2] as [number, number], maximize: true }]) {
    it(`Rprop(${JSON.stringify(options)}): the kernel gives the bits of rpropLoop, float64 the same steps`, () => {
      const o = filled((params) => new Rprop(params, options));
      expectSameSteps([values(1), values(2), values(3), values(4, true)], ([p, g, prev, size], _t, kernel) => (kernel ? rpropUpdate : rpropLoop)(p!, g!, prev!, size!, o));
    });
  }
});

describe('optimizers-wasm.ts', () => {
  it('is what scripts/build-wasm.mjs builds from its source', async () => {
    const { wat, ts } = await build();
    expect(readFileSync(WAT_PATH, 'utf8')).toBe(wat);
    expect(readFileSync(TS_PATH, 'utf8')).toBe(ts);
  });

  it('is under 4 KB, so even browsers that limit synchronous compilation on the main thread compile it', () => {
    expect((optimizersWasmBase64.length * 3) / 4).toBeLessThan(4096);
  });
});
