/**
 * TensorFlow.js's WASM backend under Node, loaded from the .wasm files its npm package ships (no
 * download at run time), and a helper that runs work on a given tfjs backend.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/**
 * Points the WASM backend at its package's dist folder and initialises it. Returns null when it is
 * ready, or why it is not (then the bench marks its column as not measured).
 */
export async function initTfjsWasm(): Promise<string | null> {
  try {
    const require = createRequire(import.meta.url);
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    // A file path (not a URL): under Node the backend reads the .wasm with fs.
    setWasmPaths(`${dist}/`);
    const ok = await tf.setBackend('wasm');
    await tf.setBackend('cpu');
    return ok ? null : "tfjs's wasm backend did not initialise";
  } catch (error) {
    await tf.setBackend('cpu');
    return `tfjs's wasm backend did not load: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** Runs `work` with `backend` as tfjs's backend, then switches back to the CPU backend. */
export async function onTfjsBackend<T>(backend: 'cpu' | 'wasm', work: () => T): Promise<T> {
  await tf.setBackend(backend);
  try {
    return work();
  } finally {
    await tf.setBackend('cpu');
  }
}

/**
 * The kernel a tfjs backend lacks, when `error` is tfjs's "not yet implemented or not found in the
 * registry" error; otherwise null.
 */
export function missingKernel(error: unknown): string | null {
  const message = error instanceof Error ? error.message : String(error);
  return /'(\w+)' not yet implemented or not found in the registry/.exec(message)?.[1] ?? null;
}
