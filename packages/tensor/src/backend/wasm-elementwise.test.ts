import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as script from '../../scripts/build-wasm-elementwise.mjs';
import { FAST_MATH_CONSTANTS } from '../kernels/fast-math.js';
import { reduce as jsReduce } from '../kernels/reduce.js';
import type { ElementwiseArgs } from './backend.js';
import { jsBackend } from './js-backend.js';
import { elementwiseChunk, elementwiseWasmBase64 } from './wasm/elementwise-wasm.js';
import { wasmElementwise, wasmReduce } from './wasm-elementwise.js';

/** Deterministic values in [−scale, scale), with the float32 specials sprinkled in. */
function values(length: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 31 - 1) * scale;
  }
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-40, 3.4e38, -3.4e38, 9.0109, 9.1, 88.72, -103.97, 17.33];
  specials.forEach((v, i) => {
    if (i * 97 < length) out[i * 97] = v;
  });
  return out;
}

/** The bit patterns of `values`, every NaN as the same one (NaN payloads may differ, as WebAssembly allows). */
function bitsOf(values: Float32Array | Float64Array): Uint32Array {
  const copy = values.map((v) => (Number.isNaN(v) ? NaN : v));
  return new Uint32Array(copy.buffer);
}

/** Runs the arguments `make` returns on the wasm and the TypeScript kernels and expects the same bits. */
function expectSameBits(make: () => ElementwiseArgs): void {
  const viaWasm = make();
  const viaJs = make();
  wasmElementwise(viaWasm);
  jsBackend.elementwise(viaJs);
  expect(bitsOf(viaWasm.out)).toEqual(bitsOf(viaJs.out));
}

/** Lengths around the chunk size and the vector width, and one below the wasm threshold. */
const LENGTHS = [100, 1001, elementwiseChunk, 2 * elementwiseChunk + 3];

describe('wasmElementwise', () => {
  it('computes tanh, sigmoid and exp bit for bit as the TypeScript loops do', () => {
    for (const n of LENGTHS) {
      for (const op of ['tanh', 'sigmoid', 'exp'] as const) {
        const x = values(n + 5, n, op === 'tanh' ? 12 : 120);
        expectSameBits(() => ({ op, n, out: new Float32Array(n + 2), outOffset: 2, x, xOffset: 5 }));
      }
    }
  });

  it('computes tanh, sigmoid and exp over a sweep of 2¹⁸ float32 bit patterns bit for bit as the TypeScript loops do', () => {
    const bits = new Uint32Array(1 << 18);
    for (let i = 0; i < bits.length; i++) bits[i] = Math.imul(i, 16381) >>> 0;
    const x = new Float32Array(bits.buffer);
    for (const op of ['tanh', 'sigmoid', 'exp'] as const) expectSameBits(() => ({ op, n: x.length, out: new Float32Array(x.length), outOffset: 0, x, xOffset: 0 }));
  });

  it('works in place', () => {
    const data = values(5000, 3, 4);
    expectSameBits(() => {
      const copy = data.slice();
      return { op: 'tanh', n: 4000, out: copy, outOffset: 1000, x: copy, xOffset: 1000 };
    });
    expectSameBits(() => {
      const copy = data.slice();
      return { op: 'add', n: 4000, out: copy, outOffset: 7, a: copy, aOffset: 7, b: copy, bOffset: 7, alpha: -0.1 };
    });
  });

  it('computes arithmetic bit for bit as the TypeScript loops do: tensors, scalars, alpha, float32 and other scalars', () => {
    for (const n of LENGTHS) {
      const a = values(n + 3, 2 * n, 10);
      const b = values(n + 1, 2 * n + 1, 10);
      const common = { n, outOffset: 0 };
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        for (const alpha of [1, 0.5, 0.1, -3]) {
          expectSameBits(() => ({ ...common, out: new Float32Array(n), op, a, aOffset: 3, b, bOffset: 1, alpha }));
          for (const s of [2, 0.1, -1e-3, 1 / 3, 0, Infinity, NaN]) {
            expectSameBits(() => ({ ...common, out: new Float32Array(n), op, a, aOffset: 3, b: s, bOffset: 0, alpha }));
            expectSameBits(() => ({ ...common, out: new Float32Array(n), op, a: s, aOffset: 0, b, bOffset: 1, alpha }));
          }
        }
      }
    }
  });

  it('leaves float64 spans to the TypeScript loops', () => {
    const x = Float64Array.from(values(2000, 9, 5));
    const viaWasm = new Float64Array(2000);
    const viaJs = new Float64Array(2000);
    wasmElementwise({ op: 'tanh', n: 2000, out: viaWasm, outOffset: 0, x, xOffset: 0 });
    jsBackend.elementwise({ op: 'tanh', n: 2000, out: viaJs, outOffset: 0, x, xOffset: 0 });
    expect(viaWasm).toEqual(viaJs);
    expect(viaJs[1]).toBe(Math.tanh(x[1]!));
  });
});

/** {@link values} with the specials beyond ±scale (NaN, infinities, ±3.4e38) replaced: they get their own tests. */
function finiteValues(length: number, seed: number, scale: number): Float32Array {
  return values(length, seed, scale).map((v, i) => (Math.abs(v) <= scale ? v : i % 7));
}

/** The plain-loop max or min, NaN if any element is NaN. */
function extremeOf(op: 'max' | 'min', x: Float32Array, offset: number, n: number): number {
  let best = op === 'max' ? -Infinity : Infinity;
  for (let i = offset; i < offset + n; i++) {
    if (Number.isNaN(x[i]!)) return NaN;
    best = op === 'max' ? Math.max(best, x[i]!) : Math.min(best, x[i]!);
  }
  return best;
}

/** Lengths below and at the wasm thresholds, with every remainder of 8 and several of 16, and across chunks. */
const REDUCE_LENGTHS = [1, 63, 64, 65, 255, ...[0, 1, 2, 3, 4, 5, 6, 7].map((r) => 256 + r), 1001, 1006, elementwiseChunk, elementwiseChunk + 1, 2 * elementwiseChunk + 17];

describe('wasmReduce', () => {
  it('finds the max and min as the TypeScript loop and a plain loop do, across lengths and offsets', () => {
    for (const n of REDUCE_LENGTHS) {
      for (const offset of [0, 3]) {
        const x = finiteValues(n + offset + 2, n + offset, 5);
        for (const op of ['max', 'min'] as const) {
          const expected = extremeOf(op, x, offset, n);
          expect(wasmReduce({ op, n, x, xOffset: offset })).toBe(expected);
          expect(jsReduce({ op, n, x, xOffset: offset })).toBe(expected);
        }
      }
    }
  });

  it('gives NaN for max and min when any element is NaN, wherever it is', () => {
    for (const n of REDUCE_LENGTHS) {
      for (const at of [0, n >> 1, n - 1]) {
        const x = new Float32Array(n).fill(1);
        x[at] = NaN;
        for (const op of ['max', 'min'] as const) {
          expect(wasmReduce({ op, n, x, xOffset: 0 })).toBeNaN();
          expect(jsReduce({ op, n, x, xOffset: 0 })).toBeNaN();
        }
      }
    }
  });

  it('handles ±Infinity, an all −Infinity span and extremes in the padded last block', () => {
    const n = 1001;
    const x = new Float32Array(n).fill(2);
    x[5] = Infinity;
    x[900] = -Infinity;
    expect(wasmReduce({ op: 'max', n, x, xOffset: 0 })).toBe(Infinity);
    expect(wasmReduce({ op: 'min', n, x, xOffset: 0 })).toBe(-Infinity);
    expect(wasmReduce({ op: 'max', n, x: new Float32Array(n).fill(-Infinity), xOffset: 0 })).toBe(-Infinity);
    const tail = new Float32Array(n).fill(1);
    tail[n - 1] = 10;
    tail[n - 2] = -10;
    expect(wasmReduce({ op: 'max', n, x: tail, xOffset: 0 })).toBe(10);
    expect(wasmReduce({ op: 'min', n, x: tail, xOffset: 0 })).toBe(-10);
  });

  it('returns zero, of either sign, when the extreme is a zero', () => {
    const x = new Float32Array(300).fill(-1);
    x[10] = -0;
    x[200] = 0;
    expect(Math.abs(wasmReduce({ op: 'max', n: x.length, x, xOffset: 0 }))).toBe(0);
    expect(Math.abs(wasmReduce({ op: 'min', n: x.length, x: x.map((v) => -v), xOffset: 0 }))).toBe(0);
  });

  it('sums bit for bit as the TypeScript loop does, across lengths, offsets and specials', () => {
    for (const n of REDUCE_LENGTHS) {
      for (const offset of [0, 5]) {
        // Wide magnitudes, so that the order of the additions shows in the low bits.
        const x = finiteValues(n + offset, 3 * n + offset, 1e6).map((v, i) => (i % 3 === 0 ? v * 1e-6 : v));
        const viaWasm = wasmReduce({ op: 'sum', n, x, xOffset: offset });
        expect(viaWasm).toBe(jsReduce({ op: 'sum', n, x, xOffset: offset }));
        let sequential = 0;
        for (let i = offset; i < offset + n; i++) sequential += x[i]!;
        expect(Math.abs(viaWasm - sequential)).toBeLessThan(1e-9 * n);
      }
    }
  });

  it('sums NaN, ±Infinity and −0 as float64 addition does', () => {
    const n = 1000;
    const withNaN = new Float32Array(n).fill(1);
    withNaN[999] = NaN;
    expect(wasmReduce({ op: 'sum', n, x: withNaN, xOffset: 0 })).toBeNaN();
    const infinities = new Float32Array(n).fill(1);
    infinities[3] = Infinity;
    expect(wasmReduce({ op: 'sum', n, x: infinities, xOffset: 0 })).toBe(Infinity);
    infinities[700] = -Infinity;
    expect(wasmReduce({ op: 'sum', n, x: infinities, xOffset: 0 })).toBeNaN();
    const zeros = new Float32Array(n).fill(-0);
    expect(Object.is(wasmReduce({ op: 'sum', n, x: zeros, xOffset: 0 }), jsReduce({ op: 'sum', n, x: zeros, xOffset: 0 }))).toBe(true);
    expect(wasmReduce({ op: 'sum', n: 2 * elementwiseChunk + 9, x: new Float32Array(2 * elementwiseChunk + 9).fill(0.5), xOffset: 0 })).toBe(elementwiseChunk + 4.5);
  });

  it('leaves float64 spans to the TypeScript loops', () => {
    const x = Float64Array.from(finiteValues(500, 3, 5));
    x[100] = 7;
    expect(wasmReduce({ op: 'max', n: 500, x, xOffset: 0 })).toBe(7);
    expect(wasmReduce({ op: 'sum', n: 500, x, xOffset: 0 })).toBe(jsReduce({ op: 'sum', n: 500, x, xOffset: 0 }));
  });
});

describe('elementwise.wasm', () => {
  it('is what scripts/build-wasm-elementwise.mjs builds from its source', async () => {
    const { wat, ts } = await script.build();
    expect(readFileSync(script.WAT_PATH, 'utf8')).toBe(wat);
    expect(readFileSync(script.TS_PATH, 'utf8')).toBe(ts);
  });

  it('is built with the constants of kernels/fast-math.ts', () => {
    const { TANH_NUMERATOR, TANH_DENOMINATOR, TANH_LIMIT, EXP_POLYNOMIAL, EXP_LIMIT, ROUNDING_CONSTANT } = script;
    expect({ TANH_NUMERATOR, TANH_DENOMINATOR, TANH_LIMIT, EXP_POLYNOMIAL, EXP_LIMIT, ROUNDING_CONSTANT }).toEqual(FAST_MATH_CONSTANTS);
  });

  it('is under 4 KB, so even browsers that limit synchronous compilation on the main thread compile it', () => {
    expect((elementwiseWasmBase64.length * 3) / 4).toBeLessThan(4096);
  });
});
