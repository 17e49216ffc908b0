import { InvalidArgumentError } from '../errors/index.js';
import type { Backend } from './backend.js';
import { jsBackend } from './js-backend.js';
import { wasmBackend, wasmSimdAvailable } from './wasm-backend.js';

export type { Backend, ElementwiseArgs, GemmArgs, ReduceArgs } from './backend.js';
export { jsBackend } from './js-backend.js';
export { wasmBackend, wasmSimdAvailable } from './wasm-backend.js';
export { getNumThreads, setNumThreads, threadsReady } from './threads.js';

/** The names {@link useBackend} takes. */
export type BackendName = 'js' | 'wasm';

/** Unset until the first op asks, so importing the package compiles nothing. */
let current: Backend | undefined;

/**
 * The backend that tensor ops use now: unless one was chosen, the WebAssembly SIMD backend where
 * the runtime supports it ({@link wasmSimdAvailable}), else the pure-TypeScript one.
 */
export function getBackend(): Backend {
  return (current ??= wasmSimdAvailable() ? wasmBackend : jsBackend);
}

/** Switches every later op to `backend` (e.g. `setBackend(jsBackend)`). */
export function setBackend(backend: Backend): void {
  current = backend;
}

/**
 * Switches every later op to a built-in backend by name, and returns it: `'js'` (pure TypeScript,
 * runs everywhere) or `'wasm'` (WebAssembly SIMD; throws where the runtime lacks it).
 *
 * @example
 * ```ts
 * useBackend('js'); // e.g. to compare results with the float64-accumulating kernel
 * ```
 */
export function useBackend(name: BackendName): Backend {
  if (name !== 'js' && name !== 'wasm') {
    throw new InvalidArgumentError(`useBackend: expected 'js' or 'wasm', got ${JSON.stringify(name)}`);
  }
  if (name === 'wasm' && !wasmSimdAvailable()) {
    throw new InvalidArgumentError("useBackend: 'wasm' needs WebAssembly with 128-bit SIMD, which this runtime lacks");
  }
  current = name === 'js' ? jsBackend : wasmBackend;
  return current;
}
