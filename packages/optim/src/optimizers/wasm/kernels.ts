import type { FloatArray } from '../common.js';
import { CHUNK, type OptimizerKernels, optimizersWasmBase64 } from './optimizers-wasm.js';

/**
 * The WebAssembly SIMD kernels of the float32 optimizer steps (SGD, ASGD, Adam, AdamW, NAdam,
 * RAdam, Adamax, Adagrad, RMSprop, Adadelta, Rprop). Each kernel is its optimizer's element loop in f32x4 lanes:
 * the float32 operations of PyTorch's update, in PyTorch's order, as the optimizer's TypeScript
 * float32 loop (`adamFloat32Loop`, …) does them one element at a time, so the two give the same
 * bits; that loop runs where WebAssembly SIMD is missing. TypeScript computes in doubles and
 * rounds by hand; four float32 lanes per instruction make a step on 1M parameters 2.5–5× faster
 * (docs/optim.md).
 *
 * The module, built by `scripts/build-wasm.mjs`, ships as base64 (3 KB, under the 4 KB that
 * older browsers allow for synchronous compilation on a page's main thread) and is compiled on
 * first use. A kernel only reads its own memory, so the arrays are copied in and back out in
 * chunks of {@link CHUNK} elements (one 64 KiB page each, so a chunk stays in cache; the copies
 * take about half of an Adam step). The memory is allocated once and never grows: growing would
 * detach its ArrayBuffer, and the first detach in a process makes V8 check every typed-array
 * access in optimised code, which slowed the TypeScript optimizer loops by 20–35%.
 */

/** The slice of the WebAssembly JS API used here (the package's lib has no DOM types). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: OptimizerKernels & { memory: { buffer: ArrayBuffer } } };
}

/** The kernels and a view of their whole memory. */
interface Workspace {
  kernels: OptimizerKernels;
  heap: Float32Array;
}

/** The instance, made on first use; null where this runtime cannot run the module. */
let workspace: Workspace | null | undefined;

function moduleBytes(): Uint8Array {
  const binary = (globalThis as unknown as { atob(data: string): string }).atob(optimizersWasmBase64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The instance, or null without WebAssembly, without 128-bit SIMD (Node ≥ 16.4, Chrome ≥ 91,
 * Firefox ≥ 89, Safari ≥ 16.4), or where compiling is refused (a page whose CSP forbids it).
 */
function instance(): Workspace | null {
  if (workspace === undefined) {
    workspace = null;
    const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    try {
      if (api !== undefined && typeof (globalThis as { atob?: unknown }).atob === 'function') {
        const bytes = moduleBytes();
        if (api.validate(bytes)) {
          const { exports } = new api.Instance(new api.Module(bytes), {});
          workspace = { kernels: exports, heap: new Float32Array(exports.memory.buffer) };
        }
      }
    } catch {
      workspace = null;
    }
  }
  return workspace;
}

/** Whether this runtime runs the float32 optimizer kernels in WebAssembly. */
export function float32KernelsAvailable(): boolean {
  return instance() !== null;
}

/**
 * Runs a kernel over `arrays`, the parameter, its gradient, then the state buffers the kernel
 * takes (null for one it is told not to touch), and returns true; or returns false, touching
 * nothing, when they are not all float32 or this runtime cannot run the module. Each chunk of
 * every array is copied into its region, `kernel(kernels, n)` runs on the chunk's n elements, and
 * everything but the gradient is copied back.
 */
export function runFloat32Kernel(arrays: readonly (FloatArray | null)[], kernel: (kernels: OptimizerKernels, n: number) => void): boolean {
  if (!arrays.every((array) => array === null || array instanceof Float32Array)) return false;
  const work = instance();
  if (work === null) return false;
  const { kernels, heap } = work;
  const length = arrays[0]!.length;
  for (let start = 0; start < length; start += CHUNK) {
    const end = Math.min(length, start + CHUNK);
    const n = end - start;
    for (let k = 0; k < arrays.length; k++) {
      const array = arrays[k];
      if (array) heap.set(array.subarray(start, end), k * CHUNK);
    }
    kernel(kernels, n);
    for (let k = 0; k < arrays.length; k++) {
      const array = arrays[k];
      if (array && k !== 1) array.set(heap.subarray(k * CHUNK, k * CHUNK + n), start);
    }
  }
  return true;
}
