import type { Backend, GemmArgs } from './backend.js';

/** Reference triple loop; the optimised blocked kernel replaces it. */
function gemm({ m, n, k, alpha, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, beta, c, cOffset }: GemmArgs): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[aOffset + i * aRowStride + p * aColStride]! * b[bOffset + p * bRowStride + j * bColStride]!;
      const idx = cOffset + i * n + j;
      c[idx] = beta === 0 ? alpha * s : alpha * s + beta * c[idx]!;
    }
  }
}

/** The pure-TypeScript backend, available everywhere. */
export const jsBackend: Backend = { name: 'js', gemm };
