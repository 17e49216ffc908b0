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
  /**
   * Elementwise kernels on contiguous float spans: tanh, sigmoid and exp of one operand, and the
   * arithmetic `a op alpha·b` of two (see {@link ElementwiseArgs}). Float32 tanh, sigmoid and exp
   * are the approximations of `kernels/fast-math.ts`, within one ulp of the correctly rounded
   * result; float64 ones are `Math`'s. Arithmetic is computed as float64 and rounded once, as
   * the generic loop computes it. Every backend gives the same bits.
   */
  elementwise(args: ElementwiseArgs): void;
  /**
   * A reduction of `x[xOffset]…x[xOffset + n − 1]` (n ≥ 1) to one number. `'max'` and `'min'`:
   * the extreme, NaN when an element is NaN; where it is zero, its sign may be either one's
   * (callers that need the first occurrence look it up, see ops/reduce.ts). `'sum'`: the float64
   * sum in the order of kernels/reduce.ts (blocks of eight interleaved partial sums). Every
   * backend gives the same bits.
   */
  reduce(args: ReduceArgs): number;
}

/** Arguments of {@link Backend.reduce}: a contiguous span of a float array. */
export interface ReduceArgs {
  op: 'max' | 'min' | 'sum';
  n: number;
  x: Float32Array | Float64Array;
  xOffset: number;
}

/** The float span type of {@link Backend.elementwise}. */
type FloatArray = Float32Array | Float64Array;

/**
 * Arguments of {@link Backend.elementwise}: `out[outOffset + i] = op(x[xOffset + i])` for `i < n`
 * (a unary op), or `out[outOffset + i] = a[aOffset + i] op alpha·b[bOffset + i]`, where one side
 * (not both) may instead be a scalar, and `alpha` scales `b` for add and sub only. All arrays have
 * `out`'s type. `out` may be the same span as an input (in-place ops) but must not otherwise
 * overlap one.
 */
export type ElementwiseArgs =
  | { op: 'tanh' | 'sigmoid' | 'exp'; n: number; out: FloatArray; outOffset: number; x: FloatArray; xOffset: number }
  | {
      op: 'add' | 'sub' | 'mul' | 'div';
      n: number;
      out: FloatArray;
      outOffset: number;
      a: FloatArray | number;
      aOffset: number;
      b: FloatArray | number;
      bOffset: number;
      alpha: number;
    };

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
