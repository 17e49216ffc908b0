/**
 * The kernels a backend provides. Upper layers never call a backend directly: tensor ops do, so a
 * faster backend (WASM SIMD, threads) can replace the pure-TypeScript one without touching them.
 * Kernels work on flat typed arrays with explicit offsets and strides and never allocate per element.
 */
export interface Backend {
  /** A short name: `'js'`, `'wasm'`. */
  readonly name: string;
  /**
   * General matrix multiply on float arrays: C[m×n] = alpha·A[m×k]·B[k×n] + beta·C, where element
   * (i, p) of A is `a[aOffset + i*aRowStride + p*aColStride]` (likewise B), and C is row-major
   * contiguous from `cOffset`. With beta = 0, C's old contents are ignored (NaN included); with
   * alpha = 0, A and B are not read. Float32 products may be summed in float32 (the wasm backend
   * does, like PyTorch), so results may differ between backends by float32 rounding.
   */
  gemm(args: GemmArgs): void;
}

/** Arguments of {@link Backend.gemm}. */
export interface GemmArgs {
  m: number;
  n: number;
  k: number;
  alpha: number;
  a: Float32Array | Float64Array;
  aOffset: number;
  aRowStride: number;
  aColStride: number;
  b: Float32Array | Float64Array;
  bOffset: number;
  bRowStride: number;
  bColStride: number;
  beta: number;
  c: Float32Array | Float64Array;
  cOffset: number;
}
