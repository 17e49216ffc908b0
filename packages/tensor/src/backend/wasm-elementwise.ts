import { elementwise as jsElementwise, type FloatArray } from '../kernels/elementwise.js';
import { reduce as jsReduce } from '../kernels/reduce.js';
import type { ElementwiseArgs, ReduceArgs } from './backend.js';
import { decodeBase64, PAGE_BYTES, wasmApi } from './wasm-api.js';
import { elementwiseChunk as CHUNK, elementwiseWasmBase64 } from './wasm/elementwise-wasm.js';

/**
 * The wasm backend's `elementwise`: float32 spans long enough to pay for the copies (see
 * {@link MIN_UNARY_LENGTH}) run in the WebAssembly SIMD module built from `wasm/elementwise.wat`
 * by `scripts/build-wasm-elementwise.mjs`; float64 spans, short spans and runtimes without the
 * module run the TypeScript loops. Both give the same bits (see the build script).
 *
 * The operands stream through the module's memory in chunks of {@link CHUNK} floats: copy a chunk
 * of each operand in, run the kernel over it in place, copy the result out. The memory is fixed
 * (two chunks, 128 KiB), so it never grows (growing would detach its ArrayBuffer, which slows every
 * typed-array access in the process; see wasm-backend.ts) and a chunk stays in L2 throughout.
 *
 * Every kernel pays for its copies, even the memory-bound arithmetic: the copies run at memcpy
 * speed, and then the SIMD loop beats V8's loop over a Float32Array, which converts each element
 * to float64 and back. On a million floats into an existing array (median of alternating runs in
 * one process, on the machine of docs/performance.md): tanh 1.7 ms against 3.9 ms for the
 * TypeScript loop, sigmoid 2.1 against 5.6, exp 1.8 against 4.4; a·2 and a + 1 0.24 ms against
 * 1.3, a + b and a·b 0.4 against 1.5, a/0.1 (a float64 divisor) 0.64 against 1.3.
 */
export function wasmElementwise(args: ElementwiseArgs): void {
  const worth = args.n >= ('x' in args ? MIN_UNARY_LENGTH : MIN_ARITHMETIC_LENGTH) && args.out instanceof Float32Array;
  const kernels = worth ? instance() : undefined;
  if (!kernels || !runInWasm(kernels, args)) jsElementwise(args);
}

/**
 * Below these lengths the TypeScript loop is as fast: a call costs about 0.35 µs more in the
 * module (the copies' set-up and the calls across), and saves about 1 ns an element on arithmetic
 * and 2–3 ns on tanh, sigmoid and exp.
 */
const MIN_UNARY_LENGTH = 256;
const MIN_ARITHMETIC_LENGTH = 512;

/** The module's functions (see wasm/elementwise.wat): in place at byte pointer `a` over `n` floats. */
interface Kernels {
  tanh(a: number, n: number): void;
  sigmoid(a: number, n: number): void;
  exp(a: number, n: number): void;
  addTensors(a: number, b: number, n: number): void;
  subTensors(a: number, b: number, n: number): void;
  mulTensors(a: number, b: number, n: number): void;
  divTensors(a: number, b: number, n: number): void;
  axpy(a: number, b: number, n: number, alpha: number): void;
  addScalar(a: number, n: number, y: number): void;
  mulScalar(a: number, n: number, y: number): void;
  divScalar(a: number, n: number, y: number): void;
  scalarDiv(a: number, n: number, y: number): void;
  affine(a: number, n: number, p: number, q: number): void;
  mulScalar64(a: number, n: number, y: number): void;
  divScalar64(a: number, n: number, y: number): void;
  scalarDiv64(a: number, n: number, y: number): void;
  maximum(a: number, n: number): number;
  minimum(a: number, n: number): number;
  sum(a: number, n: number): number;
}

/** Byte offset of the second operand's region. */
const B_AT = 4 * CHUNK;

let heap: Float32Array | undefined;
/** The instance, null when it could not be made (then every call runs the TypeScript loops). */
let kernels: Kernels | null | undefined;

/** The module's instance, made on first use, or null where the runtime cannot make it (no WebAssembly SIMD). */
function instance(): Kernels | null {
  if (kernels === undefined) {
    try {
      const api = wasmApi()!;
      const pages = (8 * CHUNK) / PAGE_BYTES;
      const memory = new api.Memory({ initial: pages, maximum: pages });
      kernels = new api.Instance(new api.Module(decodeBase64(elementwiseWasmBase64)), { env: { memory } }).exports as unknown as Kernels;
      heap = new Float32Array(memory.buffer);
    } catch {
      kernels = null;
    }
  }
  return kernels;
}

/**
 * Runs `args` chunk by chunk: `kernel(m)` computes chunk elements 0…m−1 in place at byte 0 from
 * the span `a` copied there (and `b` copied to {@link B_AT}).
 */
function stream(
  out: Float32Array, outOffset: number,
  a: Float32Array, aOffset: number,
  b: Float32Array | undefined, bOffset: number,
  n: number, kernel: (m: number) => void,
): void {
  const memory = heap!;
  for (let done = 0; done < n; done += CHUNK) {
    const m = Math.min(CHUNK, n - done);
    memory.set(a.subarray(aOffset + done, aOffset + done + m), 0);
    if (b) memory.set(b.subarray(bOffset + done, bOffset + done + m), CHUNK);
    kernel(m);
    out.set(memory.subarray(0, m), outOffset + done);
  }
}

/** The f32x4 kernel of each op on two chunks. */
const TENSOR_KERNELS = {
  add: (k: Kernels, m: number) => k.addTensors(0, B_AT, m),
  sub: (k: Kernels, m: number) => k.subTensors(0, B_AT, m),
  mul: (k: Kernels, m: number) => k.mulTensors(0, B_AT, m),
  div: (k: Kernels, m: number) => k.divTensors(0, B_AT, m),
};

/** True when `y` is a float32 value, so that f32 arithmetic with it rounds as float64 then fround does. */
function isFloat32(y: number): boolean {
  return Math.fround(y) === y || Number.isNaN(y);
}

/** Runs `args` in the module, or returns false for a case it leaves to the TypeScript loops. */
function runInWasm(k: Kernels, args: ElementwiseArgs): boolean {
  const out = args.out as Float32Array;
  const f32 = (array: FloatArray | number): array is Float32Array => array instanceof Float32Array;
  if ('x' in args) {
    if (!f32(args.x)) return false;
    const kernel = k[args.op];
    stream(out, args.outOffset, args.x, args.xOffset, undefined, 0, args.n, (m) => kernel(0, m));
    return true;
  }
  const { op, n, outOffset, a, aOffset, b, bOffset, alpha } = args;
  const scaled = op === 'add' || op === 'sub';
  if (f32(a) && f32(b)) {
    // a − alpha·b = a + (−alpha)·b exactly: negation is exact, and so is x − y = x + (−y).
    const run: (m: number) => void = scaled && alpha !== 1
      ? (m) => k.axpy(0, B_AT, m, op === 'sub' ? -alpha : alpha)
      : (m) => TENSOR_KERNELS[op](k, m);
    stream(out, outOffset, a, aOffset, b, bOffset, n, run);
    return true;
  }
  if (f32(a) && typeof b === 'number') {
    const y = scaled ? alpha * b : b;
    stream(out, outOffset, a, aOffset, undefined, 0, n, tensorScalar(k, op, y));
    return true;
  }
  if (typeof a === 'number' && f32(b)) {
    stream(out, outOffset, b, bOffset, undefined, 0, n, scalarTensor(k, op, a, alpha));
    return true;
  }
  return false;
}

/** The kernel for `t op y`, t the tensor's chunk: float32 instructions when y is a float32. */
function tensorScalar(k: Kernels, op: 'add' | 'sub' | 'mul' | 'div', y: number): (m: number) => void {
  const exact = isFloat32(y);
  if (op === 'add' || op === 'sub') {
    const z = op === 'sub' ? -y : y;
    return exact ? (m) => k.addScalar(0, m, z) : (m) => k.affine(0, m, z, 1);
  }
  if (op === 'mul') return exact ? (m) => k.mulScalar(0, m, y) : (m) => k.mulScalar64(0, m, y);
  return exact ? (m) => k.divScalar(0, m, y) : (m) => k.divScalar64(0, m, y);
}

/** The kernel for `s op alpha·t`, t the tensor's chunk. */
function scalarTensor(k: Kernels, op: 'add' | 'sub' | 'mul' | 'div', s: number, alpha: number): (m: number) => void {
  // s + alpha·t and s − alpha·t = s + (−alpha)·t; s + t is t + s.
  if (op === 'add' && alpha === 1) return tensorScalar(k, 'add', s);
  if (op === 'add' || op === 'sub') {
    const q = op === 'sub' ? -alpha : alpha;
    return (m) => k.affine(0, m, s, q);
  }
  if (op === 'mul') return tensorScalar(k, 'mul', s);
  return isFloat32(s) ? (m) => k.scalarDiv(0, m, s) : (m) => k.scalarDiv64(0, m, s);
}

/**
 * The wasm backend's `reduce`: float32 spans long enough to pay for the copy (see
 * {@link MIN_EXTREME_LENGTH}) stream
 * through the module's max, min and sum kernels (copy in only); the rest run the TypeScript loops,
 * which give the same bits (the sum adds in the same order, chunk by chunk).
 *
 * Measured through the ops (float32, medians of 11 alternating rounds in one process on two
 * shared cores; wasm, then the TypeScript loops of kernels/reduce.ts, then the lane walks of
 * ops/reduce.ts they replaced): `max` of a million floats 0.21, 0.92 and 2.05 ms; `max(x, 1)` of
 * [64, 1000] 29, 74 and 138 µs; `sum` of a million floats 0.20, 0.38 and 0.68 ms; `sum(x, 1)` of
 * [64, 1000] 16, 25 and 36 µs.
 */
export function wasmReduce(args: ReduceArgs): number {
  const { op, n, x, xOffset } = args;
  const kernels = n >= (op === 'sum' ? MIN_SUM_LENGTH : MIN_EXTREME_LENGTH) && x instanceof Float32Array ? instance() : undefined;
  if (!kernels) return jsReduce(args);
  const memory = heap!;
  const kernel = kernels[op === 'max' ? 'maximum' : op === 'min' ? 'minimum' : 'sum'];
  // The kernels read whole blocks of 16 floats (8 for the sum): the last is padded with the identity.
  const identity = op === 'max' ? -Infinity : op === 'min' ? Infinity : 0;
  let result = identity;
  for (let done = 0; done < n; done += CHUNK) {
    const m = Math.min(CHUNK, n - done);
    memory.set(x.subarray(xOffset + done, xOffset + done + m), 0);
    memory.fill(identity, m, (m + 15) & ~15);
    const value = kernel(0, m);
    if (op === 'sum') result += value;
    else if (value !== value) return NaN;
    else if (op === 'max' ? value > result : value < result) result = value;
  }
  return result;
}

/**
 * Below these lengths the TypeScript loops are as fast: a call costs about 0.1 µs in the module,
 * where the TypeScript max takes about 1 ns an element and the sum about 0.4.
 */
const MIN_EXTREME_LENGTH = 64;
const MIN_SUM_LENGTH = 256;
