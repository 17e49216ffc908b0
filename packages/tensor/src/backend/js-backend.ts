import { elementwise } from '../kernels/elementwise.js';
import { gemm } from '../kernels/gemm.js';
import { reduce } from '../kernels/reduce.js';
import type { Backend } from './backend.js';

/**
 * The pure-TypeScript backend, available everywhere. Its GEMM is the cache-blocked, packed kernel
 * of `kernels/gemm.ts` (about 6 GFLOP/s on one core for float32 at 512×512; see docs/performance.md).
 */
export const jsBackend: Backend = { name: 'js', gemm, elementwise, reduce };
