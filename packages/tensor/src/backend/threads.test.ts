import { resolveObjectURL } from 'node:buffer';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker as NodeWorker } from 'node:worker_threads';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomTensor } from '../../test/numeric.js';
import { InvalidArgumentError } from '../errors/index.js';
import { conv2d } from '../ops/conv.js';
import { Tensor } from '../tensor.js';
import type { GemmArgs } from './backend.js';
import { getBackend, getNumThreads, setBackend, setNumThreads, threadsReady, wasmBackend } from './index.js';
import { workerShareCount } from './threads.js';
import { THREADED_WORK } from './wasm-backend.js';

/** Deterministic float32 values in [-2, 2). */
function values(length: number, seed: number): Float32Array {
  return Float32Array.from(randomTensor([length], seed).toTypedArray());
}

/** The first index at which two float32 arrays differ in any bit (−0 and 0, say), or −1. */
function firstDifference(actual: Float32Array | Float64Array, expected: Float32Array | Float64Array): number {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  const x = new Uint32Array(Float32Array.from(actual).buffer);
  const y = new Uint32Array(Float32Array.from(expected).buffer);
  return x.findIndex((bits, i) => bits !== y[i]);
}

/** One product case: its name and a fresh copy of its arguments each time it is asked for. */
interface Case {
  name: string;
  args: () => GemmArgs;
}

/**
 * C = alpha·A·B + beta·C with A read as m × k from `a` with strides (aRow, aCol) from `aOffset`,
 * likewise B, and C prefilled from `cFill` (NaN when beta = 0, which must be ignored).
 */
function gemmCase(
  name: string,
  [m, n, k]: [number, number, number],
  options: { alpha?: number; beta?: number; a?: [number, number, number, number]; b?: [number, number, number, number] } = {},
): Case {
  const [aLength, aOffset, aRow, aCol] = options.a ?? [m * k, 0, k, 1];
  const [bLength, bOffset, bRow, bCol] = options.b ?? [k * n, 0, n, 1];
  const a = values(aLength, m + 1);
  const b = values(bLength, n + 2);
  const beta = options.beta ?? 0;
  const fill = beta === 0 ? new Float32Array(m * n + 3).fill(Number.NaN) : values(m * n + 3, k + 3);
  return {
    name,
    args: () => ({
      m, n, k, alpha: options.alpha ?? 1, beta,
      a, aOffset, aRowStride: aRow, aColStride: aCol,
      b, bOffset, bRowStride: bRow, bColStride: bCol,
      c: fill.slice(), cOffset: 3,
    }),
  };
}

/** Shapes above the threshold that cut C into uneven bands, read through every kind of layout. */
const CASES: Case[] = [
  gemmCase('rows split, no dimension a multiple of the tile', [301, 277, 259]),
  gemmCase('columns split (n > m), n not a multiple of 16', [37, 1001, 300]),
  gemmCase('transposed A and a strided window of B', [203, 190, 230], { a: [203 * 230, 0, 1, 203], b: [3 + 230 * 400, 3, 400, 2] }),
  gemmCase('A read backwards, B broadcast along its rows', [180, 170, 300], { a: [180 * 300, 180 * 300 - 1, -300, -1], b: [170, 0, 0, 1] }),
  gemmCase('alpha ≠ 1 and beta ≠ 0, beta ≠ 1', [150, 260, 200], { alpha: -0.75, beta: 0.5 }),
  gemmCase('beta = 1 (accumulate)', [260, 150, 200], { beta: 1 }),
  gemmCase('depth over one block of 256', [130, 129, 700]),
];

/**
 * Runs a case until a worker has computed one of its bands, and returns that run's C, or undefined
 * if none ever did. A worker slow to wake has its band taken back by the calling thread (see
 * runShares), so a given run may not reach one; one of many does unless the workers never serve.
 */
function runOnWorkers({ args }: Case): Float32Array | undefined {
  for (let attempt = 0; attempt < 500; attempt++) {
    const before = workerShareCount();
    const run = args();
    wasmBackend.gemm(run);
    if (workerShareCount() > before) return run.c as Float32Array;
  }
  return undefined;
}

/** What each case gives on one thread, bit for bit. */
function singleThreaded(): Float32Array[] {
  setNumThreads(1);
  return CASES.map(({ args }) => {
    const run = args();
    wasmBackend.gemm(run);
    return run.c as Float32Array;
  });
}

describe('setNumThreads', () => {
  it('rejects anything but a positive integer, naming the function and the value', () => {
    for (const bad of [0, -2, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => setNumThreads(bad)).toThrow(InvalidArgumentError);
      expect(() => setNumThreads(bad)).toThrow(`setNumThreads: expected a positive integer, got ${String(bad)}`);
    }
  });

  it('sets what getNumThreads returns', () => {
    setNumThreads(3);
    expect(getNumThreads()).toBe(3);
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
  });
});

describe('getNumThreads', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('defaults to the available cores, at most four, in Node', async () => {
    vi.resetModules();
    const fresh = await import('./threads.js');
    expect(fresh.getNumThreads()).toBe(Math.min(availableParallelism(), 4));
  });

  it('defaults to 1 where this thread may not block in Atomics.wait (a page’s main thread)', async () => {
    vi.stubGlobal('Atomics', {
      ...Atomics,
      wait: () => {
        throw new TypeError('Atomics.wait cannot be called in this context');
      },
    });
    vi.resetModules();
    const fresh = await import('./threads.js');
    expect(fresh.getNumThreads()).toBe(1);
    fresh.setNumThreads(2);
    expect(await fresh.threadsReady()).toBe(1);
  });

  it('defaults to 1 without SharedArrayBuffer (no cross-origin isolation)', async () => {
    vi.stubGlobal('SharedArrayBuffer', undefined);
    vi.resetModules();
    const fresh = await import('./threads.js');
    expect(fresh.getNumThreads()).toBe(1);
  });
});

describe('threadsReady', () => {
  it('resolves to 1 with one thread, without starting workers', async () => {
    setNumThreads(1);
    expect(await threadsReady()).toBe(1);
  });

  it('does not keep a Node process alive once the workers are running', () => {
    const index = fileURLToPath(new URL('../index.ts', import.meta.url));
    const script = `
      const { matmul, setNumThreads, Tensor, threadsReady } = await import(${JSON.stringify(index)});
      setNumThreads(2);
      const ready = await threadsReady();
      const a = Tensor.fromData(new Float32Array(300 * 300).fill(1), [300, 300], 'float32');
      console.log(ready, matmul(a, a).toTypedArray()[0]);
    `;
    // A process kept alive by its workers would run into the timeout and be killed.
    const child = spawnSync(process.execPath, ['--import', 'tsx/esm', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 50_000,
    });
    expect(child.stderr).toBe('');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('2 300');
  });
});

describe.each([2, 3])('wasmBackend.gemm on %i threads', (threads) => {
  let expected: Float32Array[];

  beforeAll(async () => {
    expected = singleThreaded();
    setNumThreads(threads);
    expect(await threadsReady()).toBe(threads);
  });

  it('has cases above the threshold', () => {
    for (const { args } of CASES) {
      const { m, n, k } = args();
      expect(m * n * k).toBeGreaterThanOrEqual(THREADED_WORK);
    }
  });

  it.each(CASES.map((entry, i) => [entry.name, i] as const))('computes on the workers bit for bit what one thread does: %s', (_, i) => {
    const c = runOnWorkers(CASES[i]!);
    expect(c, 'no worker computed a band').toBeDefined();
    expect(firstDifference(c!, expected[i]!)).toBe(-1);
  });

  it('keeps products below the threshold on the calling thread', () => {
    const before = workerShareCount();
    const small = gemmCase('small', [40, 40, 40]).args();
    expect(40 ** 3).toBeLessThan(THREADED_WORK);
    for (let i = 0; i < 50; i++) wasmBackend.gemm(small);
    expect(workerShareCount()).toBe(before);
  });
});

describe('conv2d on threads', () => {
  it('gives bit for bit the single-threaded result', async () => {
    const previous = getBackend();
    setBackend(wasmBackend);
    // Each image is one GEMM of 32 × 1600 × 144 multiply-adds: above the threshold.
    const input = Tensor.fromData(values(2 * 16 * 40 * 40, 5), [2, 16, 40, 40], 'float32');
    const weight = Tensor.fromData(values(32 * 16 * 3 * 3, 6), [32, 16, 3, 3], 'float32');
    const bias = Tensor.fromData(values(32, 7), [32], 'float32');
    expect(32 * 1600 * 144).toBeGreaterThanOrEqual(THREADED_WORK);
    setNumThreads(1);
    const one = conv2d(input, weight, bias, { padding: 1 }).toTypedArray();
    setNumThreads(2);
    expect(await threadsReady()).toBe(2);
    const before = workerShareCount();
    let two = conv2d(input, weight, bias, { padding: 1 }).toTypedArray();
    for (let i = 0; i < 200 && workerShareCount() === before; i++) two = conv2d(input, weight, bias, { padding: 1 }).toTypedArray();
    expect(workerShareCount()).toBeGreaterThan(before);
    expect(firstDifference(two as Float32Array, one as Float32Array)).toBe(-1);
    setBackend(previous);
  });
});

/**
 * The Web Worker API over a Node worker, enough to run the browser path here: the worker gets the
 * Blob URL's source behind a prelude that gives it `self`, `onmessage` and `postMessage`.
 */
class FakeWebWorker {
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onerror: (() => void) | null = null;
  private readonly started: Promise<NodeWorker>;

  constructor(url: string) {
    const prelude = `
      const { parentPort } = process.getBuiltinModule('node:worker_threads');
      globalThis.self = globalThis;
      globalThis.postMessage = (data) => parentPort.postMessage(data);
      parentPort.on('message', (data) => globalThis.onmessage?.({ data }));
    `;
    this.started = resolveObjectURL(url)!.text().then((source) => {
      const worker = new NodeWorker(prelude + source, { eval: true });
      worker.unref();
      worker.on('message', (data: unknown) => this.onmessage?.({ data }));
      worker.on('error', () => this.onerror?.());
      return worker;
    });
  }

  postMessage(message: unknown): void {
    void this.started.then((worker) => worker.postMessage(message));
  }

  terminate(): void {
    void this.started.then((worker) => worker.terminate());
  }
}

describe('threads in a browser (Web Workers from a Blob URL)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('start, serve and give the single-threaded result', async () => {
    const builtin = process.getBuiltinModule.bind(process);
    vi.spyOn(process, 'getBuiltinModule').mockImplementation(((id: string) => (id === 'node:worker_threads' ? undefined : builtin(id))) as typeof builtin);
    vi.stubGlobal('Worker', FakeWebWorker);
    vi.resetModules();
    const backend = await import('./index.js');
    const threads = await import('./threads.js');
    const entry = CASES[0]!;
    backend.setNumThreads(1);
    const one = entry.args();
    backend.wasmBackend.gemm(one);
    backend.setNumThreads(2);
    expect(await backend.threadsReady()).toBe(2);
    let served: Float32Array | undefined;
    for (let attempt = 0; attempt < 500 && !served; attempt++) {
      const before = threads.workerShareCount();
      const run = entry.args();
      backend.wasmBackend.gemm(run);
      if (threads.workerShareCount() > before) served = run.c as Float32Array;
    }
    expect(served, 'no worker computed a band').toBeDefined();
    expect(firstDifference(served!, one.c as Float32Array)).toBe(-1);
    backend.setNumThreads(1);
  });
});
