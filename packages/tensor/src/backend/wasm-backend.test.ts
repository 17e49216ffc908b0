import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { build, TS_PATH, WAT_PATH } from '../../scripts/build-wasm.mjs';
import { InvalidArgumentError } from '../errors/index.js';
import type { GemmArgs } from './backend.js';
import { getBackend, jsBackend, setBackend, useBackend, wasmBackend, wasmSimdAvailable } from './index.js';
import { gemmSharedWasmBase64, gemmWasmBase64 } from './wasm/gemm-wasm.js';

/** Deterministic values in [-1, 1). */
function values(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = state / 2 ** 31 - 1;
  }
  return out;
}

/** C = A·B for row-major A [m×k] and B [k×n] read from `a` and `b` with the given layout. */
function product(m: number, n: number, k: number, a: Partial<GemmArgs>, b: Partial<GemmArgs>): GemmArgs {
  return {
    m, n, k, alpha: 1, beta: 0, c: new Float32Array(m * n), cOffset: 0,
    a: a.a!, aOffset: a.aOffset ?? 0, aRowStride: a.aRowStride ?? k, aColStride: a.aColStride ?? 1,
    b: b.b!, bOffset: b.bOffset ?? 0, bRowStride: b.bRowStride ?? n, bColStride: b.bColStride ?? 1,
  };
}

/** Runs `args` on both backends and checks the wasm result against the TypeScript one. */
function expectSameAsJs(args: GemmArgs): void {
  const expected = { ...args, c: args.c.slice() };
  jsBackend.gemm(expected);
  wasmBackend.gemm(args);
  for (let i = 0; i < args.c.length; i++) expect(Math.abs(args.c[i]! - expected.c[i]!)).toBeLessThan(1e-5 * (args.k + 1));
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('wasmSimdAvailable', () => {
  it('is true on Node 20', () => {
    expect(wasmSimdAvailable()).toBe(true);
  });

  it('is false without WebAssembly, and then the TypeScript backend is the default', async () => {
    vi.stubGlobal('WebAssembly', undefined);
    vi.resetModules();
    const fresh = await import('./index.js');
    expect(fresh.wasmSimdAvailable()).toBe(false);
    expect(fresh.getBackend()).toBe(fresh.jsBackend);
    expect(() => fresh.useBackend('wasm')).toThrow(/useBackend: 'wasm' needs WebAssembly with 128-bit SIMD/);
  });
});

describe('getBackend', () => {
  it('chooses the wasm backend where WebAssembly SIMD is available', async () => {
    vi.resetModules();
    const fresh = await import('./index.js');
    expect(fresh.getBackend()).toBe(fresh.wasmBackend);
  });
});

describe('useBackend', () => {
  it('switches by name and returns the backend', () => {
    const before = getBackend();
    expect(useBackend('js')).toBe(jsBackend);
    expect(getBackend()).toBe(jsBackend);
    expect(useBackend('wasm')).toBe(wasmBackend);
    expect(getBackend().name).toBe('wasm');
    setBackend(before);
  });

  it('rejects an unknown name', () => {
    expect(() => useBackend('gpu' as 'js')).toThrow(InvalidArgumentError);
    expect(() => useBackend('gpu' as 'js')).toThrow(/useBackend: expected 'js' or 'wasm', got "gpu"/);
  });
});

describe('wasmBackend.gemm', () => {
  it('reads strided, transposed and broadcast (stride 0) operands', () => {
    const a = values(40 * 37, 1);
    const b = values(7 + 37 * 45, 2);
    expectSameAsJs(product(40, 45, 37, { a, aRowStride: 1, aColStride: 40 }, { b }));
    expectSameAsJs(product(40, 45, 37, { a }, { b, bRowStride: 1, bColStride: 0 }));
    expectSameAsJs(product(40, 45, 37, { a, aRowStride: 0 }, { b, bOffset: 7, bRowStride: 45, bColStride: 1 }));
    // Negative strides: A read backwards along rows and columns, B bottom row first.
    expectSameAsJs(product(40, 45, 37, { a, aOffset: 40 * 37 - 1, aRowStride: -37, aColStride: -1 }, { b, bOffset: 36 * 45, bRowStride: -45 }));
  });

  it('gathers an operand whose elements are sparse in a large storage instead of copying it all', () => {
    const a = values(20 * 1000 + 5, 3);
    const b = values(6 * 30, 4);
    expectSameAsJs(product(20, 30, 5, { a, aRowStride: 1000, aColStride: 1 }, { b, bRowStride: 30 }));
  });

  it('is right after its memory is replaced by a larger one, and on a small product after that', () => {
    expectSameAsJs(product(300, 280, 600, { a: values(300 * 600, 5) }, { b: values(600 * 280, 6) }));
    expectSameAsJs(product(3, 17, 2, { a: values(6, 7) }, { b: values(34, 8) }));
  });

  it('runs a product too large to keep its memory for (over 64 MiB), then small ones again', () => {
    expectSameAsJs(product(4100, 2, 4100, { a: values(4100 * 4100, 11) }, { b: values(4100 * 2, 12) }));
    expectSameAsJs(product(5, 7, 3, { a: values(15, 13) }, { b: values(21, 14) }));
  });

  it('runs float64 products on the TypeScript kernel, bit for bit', () => {
    const a = Float64Array.from(values(30 * 20, 9));
    const b = Float64Array.from(values(20 * 25, 10));
    const args = (): GemmArgs => ({ ...product(30, 25, 20, { a }, { b }), a, b, c: new Float64Array(30 * 25) });
    const viaWasm = args();
    const viaJs = args();
    wasmBackend.gemm(viaWasm);
    jsBackend.gemm(viaJs);
    expect(Array.from(viaWasm.c)).toEqual(Array.from(viaJs.c));
  });
});

describe('gemm.wasm', () => {
  it('is what scripts/build-wasm.mjs builds from its source', async () => {
    const { wat, ts } = await build();
    expect(readFileSync(WAT_PATH, 'utf8')).toBe(wat);
    expect(readFileSync(TS_PATH, 'utf8')).toBe(ts);
  });

  it('is under 4 KB, so even browsers that limit synchronous compilation on the main thread compile it', () => {
    expect((gemmWasmBase64.length * 3) / 4).toBeLessThan(4096);
    expect((gemmSharedWasmBase64.length * 3) / 4).toBeLessThan(4096);
  });
});
