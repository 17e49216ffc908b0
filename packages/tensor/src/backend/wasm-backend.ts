import { gemm as jsGemm } from '../kernels/gemm.js';
import type { Backend, GemmArgs } from './backend.js';
import { wasmElementwise, wasmReduce } from './wasm-elementwise.js';
import { type GemmCall, readyTeam, reserve, runShares } from './threads.js';
import { decodeBase64, type GemmKernels, MAX_PAGES, PAGE_BYTES, wasmApi } from './wasm-api.js';
import { gemmBlocking, gemmWasmBase64 } from './wasm/gemm-wasm.js';

/**
 * The WebAssembly SIMD backend: float32 GEMM in f32x4 vectors (about 60 GFLOP/s on one core
 * where the pure-TypeScript kernel does 6; see docs/performance.md). The module, built from
 * `wasm/gemm.wat` by `scripts/build-wasm.mjs`, ships inside the package as base64 and is compiled
 * synchronously on first use. It is under 4 KB, the limit Chrome before version 114 put on
 * synchronous compilation on a page's main thread (8 MB since), so no runtime needs an async
 * set-up step.
 *
 * The module has its own linear memory. Each call copies the span of A and B it reads and, when
 * beta ≠ 0, C into that memory, runs the blocked GEMM there (packing, 2×16 micro-kernel, edges; for
 * a matrix-vector shape, dot products or column sweeps without packing) and copies C back. The
 * copies run at memcpy speed: about 2% of a 1024×1024 product. Products of at least
 * {@link THREADED_WORK} multiply-adds are split across worker threads where they are running (see
 * threads.ts and {@link threaded}); the rest, and all of them until the workers are ready, run here.
 *
 * Products in float32 are summed in float32 (as PyTorch does), in a different order from the
 * TypeScript kernel, which sums in float64: results differ by float32 rounding. Float64 products
 * run the TypeScript kernel.
 */
export const wasmBackend: Backend = { name: 'wasm', gemm: wasmGemm, elementwise: wasmElementwise, reduce: wasmReduce };

const { MR, NR, KC, MC, NC } = gemmBlocking;
const FLOATS_PER_PAGE = PAGE_BYTES / 4;
/** Memory past this many floats (64 MiB) is not kept after the product that needed it. */
const KEPT_FLOATS = 1 << 24;
/**
 * The size (m·n·k multiply-adds) from which a product is split across threads: 128³. Measured on
 * two cores (AMD EPYC, Node 20; square products, one and two threads alternating in one process,
 * medians of 9 rounds): with the worker still polling after the previous product, two threads
 * broke even at 48³ (0.96×) and paid from 64³ (1.15×; 1.49× at 128³, 1.59× at 256³); with 300 µs
 * between products, so that the worker has gone to sleep and must be woken, 96³ still lost
 * (0.70×), 128³ broke even (1.00×) and 192³ paid (1.39×). Sizes between the two would gain only
 * when products come back to back, so the threshold is where waking a worker pays for itself. A
 * product of t times this size may use up to t + 1 threads.
 */
export const THREADED_WORK = 128 ** 3;

/** An instance of the module with a view of its whole memory. */
interface Workspace {
  heap: Float32Array;
  kernels: GemmKernels;
}

let bytes: Uint8Array | undefined;
let available: boolean | undefined;
let compiled: object | undefined;
let kept: Workspace | undefined;

function moduleBytes(): Uint8Array {
  return (bytes ??= decodeBase64(gemmWasmBase64));
}

/**
 * Whether this runtime can run the wasm backend: it has WebAssembly and validates the module,
 * which uses 128-bit SIMD (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4). Checked once.
 */
export function wasmSimdAvailable(): boolean {
  if (available === undefined) {
    const api = wasmApi();
    try {
      available = api !== undefined && typeof (globalThis as { atob?: unknown }).atob === 'function' && api.validate(moduleBytes());
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * An instance whose memory holds at least `floats` floats, or undefined when none can be made
 * (over 4 GiB, or out of memory). The memory is kept for later products up to 64 MiB and doubles
 * as products grow, but never in place: growing detaches the old ArrayBuffer, and the first detach
 * in a process makes V8 check every typed-array access in optimised code for detachment, slowing
 * all other kernels by 10–15% (see docs/performance.md). A new memory and instance (instances of
 * the compiled module are cheap) replace the old ones instead.
 */
function workspace(floats: number): Workspace | undefined {
  if (kept && kept.heap.length >= floats) return kept;
  const keep = floats <= KEPT_FLOATS;
  const size = keep ? Math.min(Math.max(floats, 2 * (kept?.heap.length ?? 0)), KEPT_FLOATS) : floats;
  const pages = Math.ceil(size / FLOATS_PER_PAGE);
  if (pages > MAX_PAGES) return undefined;
  const api = wasmApi()!;
  try {
    compiled ??= new api.Module(moduleBytes());
    const memory = new api.Memory({ initial: pages });
    const created = { heap: new Float32Array(memory.buffer), kernels: new api.Instance(compiled, { env: { memory } }).exports };
    if (keep) kept = created;
    return created;
  } catch {
    return undefined;
  }
}

/** Where an operand lives in the module's memory: its first element and strides, in floats. */
interface Staged {
  start: number;
  rowStride: number;
  colStride: number;
}

/**
 * The smallest and one past the largest storage index a rows × cols strided operand reads.
 * Strides may be zero (broadcast) or negative.
 */
function span(offset: number, rows: number, cols: number, rowStride: number, colStride: number): [number, number] {
  const rowReach = (rows - 1) * rowStride;
  const colReach = (cols - 1) * colStride;
  return [offset + Math.min(0, rowReach) + Math.min(0, colReach), offset + Math.max(0, rowReach) + Math.max(0, colReach) + 1];
}

/** Floats rounded up to a multiple of 4, so every region starts 16-byte aligned. */
function align(floats: number): number {
  return (floats + 3) & ~3;
}

/** Floats rounded up to a multiple of 16: a 64-byte cache line, so two threads' regions share none. */
function line(floats: number): number {
  return (floats + 15) & ~15;
}

/**
 * How many floats an operand takes in the module's memory: its span when that is compact (the
 * usual case: a contiguous or transposed matrix, or a window of one), else rows·cols for a gathered
 * copy, so a view that picks a few elements from a huge storage does not copy all of it.
 */
function stagedSize(low: number, high: number, rows: number, cols: number): number {
  return high - low <= 2 * rows * cols + 64 ? high - low : rows * cols;
}

/** Copies an operand into the module's memory at `at` (see {@link stagedSize}). */
function stage(
  heap: Float32Array,
  source: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  rowStride: number,
  colStride: number,
  at: number,
): Staged {
  const [low, high] = span(offset, rows, cols, rowStride, colStride);
  if (stagedSize(low, high, rows, cols) === high - low) {
    heap.set(source.subarray(low, high), at);
    return { start: at + offset - low, rowStride, colStride };
  }
  for (let i = 0, destination = at; i < rows; i++) {
    for (let j = 0, s = offset + i * rowStride; j < cols; j++, s += colStride) heap[destination++] = source[s]!;
  }
  return { start: at, rowStride: cols, colStride: 1 };
}

/**
 * Puts beta·C into the module's memory at `at`, as the kernels add to it: zeros for beta = 0 (so
 * C's old contents, NaN included, are ignored), C itself for beta = 1.
 */
function stageC(heap: Float32Array, c: Float32Array, cOffset: number, length: number, beta: number, at: number): void {
  if (beta === 0) {
    heap.fill(0, at, at + length);
    return;
  }
  heap.set(c.subarray(cOffset, cOffset + length), at);
  if (beta !== 1) for (let i = at; i < at + length; i++) heap[i] = beta * heap[i]!;
}

function wasmGemm(args: GemmArgs): void {
  const { m, n, k, alpha, a, b, c } = args;
  if (
    m === 0 || n === 0 || k === 0 || alpha === 0 ||
    !(a instanceof Float32Array && b instanceof Float32Array && c instanceof Float32Array) ||
    !wasmSimdAvailable()
  ) {
    jsGemm(args);
    return;
  }
  const done = m === 1 || n === 1 ? gemv(args, a, b, c) : (m * n * k >= THREADED_WORK && threaded(args, a, b, c)) || blocked(args, a, b, c);
  if (!done) jsGemm(args);
}

/** The blocked product in the module's memory; false when no memory could be had for it. */
function blocked(args: GemmArgs, a: Float32Array, b: Float32Array, c: Float32Array): boolean {
  const { m, n, k, alpha, aOffset, aRowStride, aColStride, bOffset, bRowStride, bColStride, beta, cOffset } = args;
  const [aLow, aHigh] = span(aOffset, m, k, aRowStride, aColStride);
  const [bLow, bHigh] = span(bOffset, k, n, bRowStride, bColStride);
  const kc = Math.min(KC, k);
  const bAt = align(stagedSize(aLow, aHigh, m, k));
  const cAt = align(bAt + stagedSize(bLow, bHigh, k, n));
  const packedA = align(cAt + m * n);
  const packedB = align(packedA + Math.ceil(Math.min(MC, m) / MR) * MR * kc);
  const tile = align(packedB + Math.ceil(Math.min(NC, n) / NR) * NR * kc);
  const work = workspace(tile + MR * NR);
  if (!work) return false;
  const { heap, kernels } = work;
  const left = stage(heap, a, aOffset, m, k, aRowStride, aColStride, 0);
  const right = stage(heap, b, bOffset, k, n, bRowStride, bColStride, bAt);
  stageC(heap, c, cOffset, m * n, beta, cAt);
  kernels.gemm(
    m, n, k, alpha,
    4 * left.start, left.rowStride, left.colStride,
    4 * right.start, right.rowStride, right.colStride,
    4 * cAt, n, 4 * packedA, 4 * packedB, 4 * tile,
  );
  c.set(heap.subarray(cAt, cAt + m * n), cOffset);
  return true;
}

/**
 * The blocked product split across threads (see threads.ts), or false when they are not ready or no
 * memory could be had for it, and then the caller runs it on this thread. The operands are staged
 * once into the shared memory; C is cut into bands along its longer side, bands a whole number
 * of register tiles wide, and each thread runs the module's gemm on its band with packing buffers of
 * its own. Each thread packs the whole of the operand it does not cut, so cutting the longer side
 * duplicates the smaller packing; measured on two threads, square products split as well either way
 * (1024³: 1.85–1.91× by rows, 1.79–1.92× by columns), 64×1024×256 went 1.64× by columns but
 * 1.33–1.44× by rows, and 1024×64×256 1.57× by rows but 0.96–1.52× by columns. Every element of
 * C is still summed by the same micro-kernel in the same order, so the result is bit for bit the
 * single-threaded one.
 */
function threaded(args: GemmArgs, a: Float32Array, b: Float32Array, c: Float32Array): boolean {
  const team = readyTeam();
  if (!team) return false;
  const { m, n, k, alpha, aOffset, aRowStride, aColStride, bOffset, bRowStride, bColStride, beta, cOffset } = args;
  const byRows = m >= n;
  const shares = bands(byRows ? m : n, byRows ? MR : NR, Math.min(team.threads, Math.floor((m * n * k) / THREADED_WORK) + 1));
  if (shares.length < 2) return false;
  const [aLow, aHigh] = span(aOffset, m, k, aRowStride, aColStride);
  const [bLow, bHigh] = span(bOffset, k, n, bRowStride, bColStride);
  const kc = Math.min(KC, k);
  const aAt = team.base;
  const bAt = align(aAt + stagedSize(aLow, aHigh, m, k));
  const cAt = align(bAt + stagedSize(bLow, bHigh, k, n));
  // Each thread's packing buffers and tile, a cache line apart from the next thread's.
  const scratch: [number, number, number][] = [];
  let end = cAt + m * n;
  for (const [, width] of shares) {
    const rows = byRows ? width : m;
    const cols = byRows ? n : width;
    const packedA = line(end);
    const packedB = align(packedA + Math.ceil(Math.min(MC, rows) / MR) * MR * kc);
    const tile = align(packedB + Math.ceil(Math.min(NC, cols) / NR) * NR * kc);
    scratch.push([packedA, packedB, tile]);
    end = tile + MR * NR;
  }
  if (!reserve(team, line(end))) return false;
  const { heap } = team;
  const left = stage(heap, a, aOffset, m, k, aRowStride, aColStride, aAt);
  const right = stage(heap, b, bOffset, k, n, bRowStride, bColStride, bAt);
  stageC(heap, c, cOffset, m * n, beta, cAt);
  const calls = shares.map(([start, width], t): GemmCall => {
    const [packedA, packedB, tile] = scratch[t]!;
    const [i, j] = byRows ? [start, 0] : [0, start];
    return [
      byRows ? width : m, byRows ? n : width, k, alpha,
      4 * (left.start + i * left.rowStride), left.rowStride, left.colStride,
      4 * (right.start + j * right.colStride), right.rowStride, right.colStride,
      4 * (cAt + i * n + j), n, 4 * packedA, 4 * packedB, 4 * tile,
    ];
  });
  if (!runShares(team, calls)) return false;
  c.set(heap.subarray(cAt, cAt + m * n), cOffset);
  return true;
}

/**
 * `parts` consecutive bands [start, width] covering `length` lines, each a whole number of `unit`s
 * wide but the last (fewer bands when there are fewer units), as even as that allows.
 */
function bands(length: number, unit: number, parts: number): [number, number][] {
  const units = Math.ceil(length / unit);
  const count = Math.min(parts, units);
  const out: [number, number][] = [];
  for (let t = 0, start = 0; t < count; t++) {
    const width = Math.min(length - start, (Math.floor(units / count) + (t < units % count ? 1 : 0)) * unit);
    out.push([start, width]);
    start += width;
  }
  return out;
}

/**
 * A matrix-vector product (m or n = 1) as y = M·v with y contiguous in C, like the TypeScript
 * kernel's; false when no memory could be had for it.
 */
function gemv(args: GemmArgs, a: Float32Array, b: Float32Array, c: Float32Array): boolean {
  const { m, n, k, alpha, aOffset, aRowStride, aColStride, bOffset, bRowStride, bColStride, beta, cOffset } = args;
  // n = 1: y[i] = Σp A[i,p]·B[p,0]; m = 1: y[j] = Σp B[p,j]·A[0,p].
  const length = n === 1 ? m : n;
  const [matrix, matrixOffset, outStride, reduceStride] = n === 1 ? [a, aOffset, aRowStride, aColStride] : [b, bOffset, bColStride, bRowStride];
  const [vector, vectorOffset, vectorStride] = n === 1 ? [b, bOffset, bRowStride] : [a, aOffset, aColStride];
  const [low, high] = span(matrixOffset, length, k, outStride, reduceStride);
  const vectorAt = align(stagedSize(low, high, length, k));
  const yAt = align(vectorAt + k);
  const work = workspace(yAt + length);
  if (!work) return false;
  const { heap, kernels } = work;
  const staged = stage(heap, matrix, matrixOffset, length, k, outStride, reduceStride, 0);
  if (vectorStride === 1) heap.set(vector.subarray(vectorOffset, vectorOffset + k), vectorAt);
  else for (let p = 0; p < k; p++) heap[vectorAt + p] = vector[vectorOffset + p * vectorStride]!;
  stageC(heap, c, cOffset, length, beta, yAt);
  kernels.gemv(length, k, alpha, 4 * staged.start, staged.rowStride, staged.colStride, 4 * vectorAt, 4 * yAt);
  c.set(heap.subarray(yAt, yAt + length), cOffset);
  return true;
}
