import { getBackend } from '../backend/index.js';
import { allocate, type DType, isFloatingPoint, promoteTypes, type TypedArray } from '../dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { broadcastStrides, elementOffsets } from '../iterate.js';
import { formatShape, numelOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/*
 * Matrix products. Float tensors go through the backend's GEMM, which takes strided operands, so
 * transposed and broadcast views are multiplied without copies; integer tensors use a plain loop
 * with PyTorch's wrap-around arithmetic. Unlike PyTorch, which requires equal dtypes, operands of
 * different dtypes are promoted (float32 @ float64 gives float64), as elementwise ops do.
 */

/**
 * Matrix product with PyTorch's `torch.matmul` rules: 1-D · 1-D is a dot product (0-d result);
 * 2-D · 2-D a matrix product; a 1-D first argument is treated as a row [1, k] and a 1-D second
 * argument as a column [k, 1], the added dim being removed from the result; N-D operands are
 * batches of matrices whose batch dims broadcast.
 *
 * @example
 * ```ts
 * matmul(ones([2, 3, 4]), ones([4, 5])).shape; // [2, 3, 5]
 * matmul(tensor([1, 2]), tensor([3, 4])).item(); // 11
 * ```
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dim, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  if (a.ndim === 1 && b.ndim === 1) return vectorDot('matmul', a, b);
  const row = a.ndim === 1 ? withDim(a, 0) : a;
  const column = b.ndim === 1 ? withDim(b, 1) : b;
  const product = batchedProduct('matmul', row, column, a, b);
  if (a.ndim === 1) return dropDim(product, product.ndim - 2);
  if (b.ndim === 1) return dropDim(product, product.ndim - 1);
  return product;
}

/** Product of two matrices, `torch.mm`: [n, k] @ [k, m] → [n, m]; no broadcasting. */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new ShapeError(`mm: expected 2-D tensors, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return batchedProduct('mm', a, b, a, b);
}

/** Batched matrix product, `torch.bmm`: [B, n, k] @ [B, k, m] → [B, n, m]; batch sizes must be equal. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3 || b.ndim !== 3) {
    throw new ShapeError(`bmm: expected 3-D tensors, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`bmm: batch sizes of shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} differ (${a.shape[0]} != ${b.shape[0]})`);
  }
  return batchedProduct('bmm', a, b, a, b);
}

/** Dot product of two 1-D tensors of equal length, `torch.dot`; returns a 0-d tensor. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(`dot: expected 1-D tensors, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  return vectorDot('dot', a, b);
}

/** Matrix-vector product, `torch.mv`: [n, k] @ [k] → [n]. */
export function mv(matrix: Tensor, vector: Tensor): Tensor {
  if (matrix.ndim !== 2 || vector.ndim !== 1) {
    throw new ShapeError(`mv: expected a 2-D matrix and a 1-D vector, got shapes ${formatShape(matrix.shape)} and ${formatShape(vector.shape)}`);
  }
  return dropDim(batchedProduct('mv', matrix, withDim(vector, 1), matrix, vector), 1);
}

/**
 * Outer product of two 1-D tensors, `torch.outer`: out[i, j] = a[i]·b[j], shape [n, m]. Works
 * for every dtype (for bool it is a logical and).
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ShapeError(`outer: expected 1-D tensors, got shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const dtype = promoteTypes(a.dtype, b.dtype);
  const n = a.shape[0]!;
  const m = b.shape[0]!;
  const x = a.storage.data;
  const y = b.storage.data;
  const out = allocate(dtype, n * m);
  const integral32 = dtype === 'int32' || dtype === 'uint8';
  for (let i = 0, o = 0; i < n; i++) {
    const xi = x[a.offset + i * a.strides[0]!]!;
    for (let j = 0, yj = b.offset; j < m; j++, yj += b.strides[0]!, o++) {
      out[o] = integral32 ? Math.imul(xi, y[yj]!) : xi * y[yj]!;
    }
  }
  return Tensor.fromData(out, [n, m], dtype);
}

/** Options of {@link addmm}. */
export interface AddmmOptions {
  /** Multiplier of `input` (default 1). With 0, `input` is ignored: its NaN and inf do not propagate. */
  beta?: number;
  /** Multiplier of `m1 @ m2` (default 1). */
  alpha?: number;
}

/**
 * `beta·input + alpha·(m1 @ m2)`, `torch.addmm`, with `input` broadcast to the product's shape
 * [n, m]. Float tensors run as one GEMM with `input` preloaded into the output.
 *
 * @example
 * ```ts
 * addmm(bias, x, weight.t(), { beta: 1, alpha: 1 }); // a linear layer
 * ```
 */
export function addmm(input: Tensor, m1: Tensor, m2: Tensor, options: AddmmOptions = {}): Tensor {
  const { beta = 1, alpha = 1 } = options;
  if (m1.ndim !== 2 || m2.ndim !== 2) {
    throw new ShapeError(`addmm: expected 2-D matrices, got shapes ${formatShape(m1.shape)} and ${formatShape(m2.shape)}`);
  }
  checkInner('addmm', m1, m2, m1, m2);
  const shape = [m1.shape[0]!, m2.shape[1]!];
  if (input.ndim > 2 || input.shape.some((size, i) => size !== 1 && size !== shape[i + 2 - input.ndim])) {
    throw new ShapeError(`addmm: input ${formatShape(input.shape)} cannot be broadcast to ${formatShape(shape)}`);
  }
  const dtype = productDType('addmm', promoteTypes(input.dtype, m1.dtype), m2.dtype);
  if (!isFloatingPoint(dtype) && (!Number.isInteger(alpha) || !Number.isInteger(beta))) {
    throw new InvalidArgumentError(`addmm: alpha (${alpha}) and beta (${beta}) must be integers for ${dtype} tensors`);
  }
  if (!isFloatingPoint(dtype)) {
    // Rare enough not to need a fused loop: compose from the integer product.
    const product = batchedProduct('addmm', m1, m2, m1, m2).to(dtype).storage.data;
    const out = broadcastCopy(input, shape, dtype);
    const integral32 = dtype === 'int32' || dtype === 'uint8';
    for (let i = 0; i < out.length; i++) {
      const scaledInput = beta === 0 ? 0 : integral32 ? Math.imul(beta, out[i]!) : beta * out[i]!;
      out[i] = integral32 ? Math.imul(alpha, product[i]!) + scaledInput : alpha * product[i]! + scaledInput;
    }
    return Tensor.fromData(out, shape, dtype);
  }
  const out = beta === 0 ? allocate(dtype, numelOf(shape)) : broadcastCopy(input, shape, dtype);
  const left = m1.dtype === dtype ? m1 : m1.to(dtype);
  const right = m2.dtype === dtype ? m2 : m2.to(dtype);
  getBackend().gemm({
    m: shape[0]!,
    n: shape[1]!,
    k: m1.shape[1]!,
    alpha,
    a: left.storage.data as Float32Array | Float64Array,
    aOffset: left.offset,
    aRowStride: left.strides[0]!,
    aColStride: left.strides[1]!,
    b: right.storage.data as Float32Array | Float64Array,
    bOffset: right.offset,
    bRowStride: right.strides[0]!,
    bColStride: right.strides[1]!,
    beta,
    c: out as Float32Array | Float64Array,
    cOffset: 0,
  });
  return Tensor.fromData(out, shape, dtype);
}

/** The dtype of a product: the promoted dtype of both operands; bool has no product (as in PyTorch). */
function productDType(op: string, a: DType, b: DType): DType {
  const dtype = promoteTypes(a, b);
  if (dtype === 'bool') throw new DTypeError(`${op}: bool tensors are not supported, got ${a} and ${b}`);
  return dtype;
}

/** Throws unless the inner sizes of [.., n, k] and [.., k, m] agree, naming the shapes the caller passed. */
function checkInner(op: string, a: Tensor, b: Tensor, shownA: Tensor, shownB: Tensor): void {
  const inner = a.shape[a.ndim - 1]!;
  const rows = b.shape[b.ndim - 2]!;
  if (inner !== rows) {
    throw new ShapeError(`${op}: shapes ${formatShape(shownA.shape)} and ${formatShape(shownB.shape)} cannot be multiplied (${inner} != ${rows})`);
  }
}

/** A view of `x` with a size-1 dim inserted at `dim` (stride irrelevant, so 0). */
function withDim(x: Tensor, dim: number): Tensor {
  const shape = [...x.shape];
  const strides = [...x.strides];
  shape.splice(dim, 0, 1);
  strides.splice(dim, 0, 0);
  return new Tensor(x.storage, shape, strides, x.offset, x.dtype);
}

/** `x` (contiguous) without its size-1 dim `dim`. */
function dropDim(x: Tensor, dim: number): Tensor {
  const shape = [...x.shape];
  shape.splice(dim, 1);
  return Tensor.fromData(x.storage.data, shape, x.dtype);
}

/** A contiguous copy of `x` broadcast to `shape` and converted to `dtype`. */
function broadcastCopy(x: Tensor, shape: number[], dtype: DType): TypedArray {
  const offsets = elementOffsets(shape, broadcastStrides(x.shape, x.strides, shape), x.offset);
  const out = allocate(dtype, offsets.length);
  const data = x.storage.data;
  for (let i = 0; i < offsets.length; i++) out[i] = data[offsets[i]!]!;
  return out;
}

/** Dot product of two 1-D tensors as a 0-d tensor. */
function vectorDot(op: string, a: Tensor, b: Tensor): Tensor {
  if (a.shape[0] !== b.shape[0]) {
    throw new ShapeError(`${op}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied (${a.shape[0]} != ${b.shape[0]})`);
  }
  const product = batchedProduct(op, withDim(a, 0), withDim(b, 1), a, b);
  return Tensor.fromData(product.storage.data, [], product.dtype);
}

/**
 * The product of [...batchA, n, k] and [...batchB, k, m] with broadcast batch dims, as a new
 * contiguous [...batch, n, m] tensor. `shownA` and `shownB` are the caller's operands, named in
 * errors (they differ from `a` and `b` when a 1-D operand was given a dim).
 */
function batchedProduct(op: string, a: Tensor, b: Tensor, shownA: Tensor, shownB: Tensor): Tensor {
  const dtype = productDType(op, a.dtype, b.dtype);
  checkInner(op, a, b, shownA, shownB);
  const m = a.shape[a.ndim - 2]!;
  const k = a.shape[a.ndim - 1]!;
  const n = b.shape[b.ndim - 1]!;
  const batch = broadcastBatch(op, a.shape.slice(0, -2), b.shape.slice(0, -2), shownA, shownB);
  const shape = [...batch, m, n];
  const out = allocate(dtype, numelOf(shape));
  if (out.length === 0) return Tensor.fromData(out, shape, dtype);
  const left = a.dtype === dtype ? a : a.to(dtype);
  const right = b.dtype === dtype ? b : b.to(dtype);
  const leftBatchStrides = broadcastStrides(left.shape.slice(0, -2), left.strides.slice(0, -2), batch);
  const rightBatchStrides = broadcastStrides(right.shape.slice(0, -2), right.strides.slice(0, -2), batch);
  let aRowStride = left.strides[left.ndim - 2]!;
  const aColStride = left.strides[left.ndim - 1]!;
  const bRowStride = right.strides[right.ndim - 2]!;
  const bColStride = right.strides[right.ndim - 1]!;
  let rows = m;
  let aOffsets = elementOffsets(batch, leftBatchStrides, left.offset);
  let bOffsets = elementOffsets(batch, rightBatchStrides, right.offset);
  // When B is one matrix shared by the whole batch and A's batch rows are evenly spaced (e.g. a
  // contiguous [B, n, k] input of a linear layer), the batch is one tall product: [B·n, k] @ [k, m].
  const foldedRowStride = rightBatchStrides.every((stride, i) => stride === 0 || batch[i] === 1)
    ? mergedStride([...batch, m], [...leftBatchStrides, aRowStride])
    : undefined;
  if (foldedRowStride !== undefined && aOffsets.length > 1) {
    rows = aOffsets.length * m;
    aRowStride = foldedRowStride;
    aOffsets = aOffsets.subarray(0, 1);
    bOffsets = bOffsets.subarray(0, 1);
  }
  const leftData = left.storage.data;
  const rightData = right.storage.data;
  const float = isFloatingPoint(dtype);
  const backend = getBackend();
  for (let index = 0; index < aOffsets.length; index++) {
    const cOffset = index * rows * n;
    if (float) {
      backend.gemm({
        m: rows,
        n,
        k,
        alpha: 1,
        a: leftData as Float32Array | Float64Array,
        aOffset: aOffsets[index]!,
        aRowStride,
        aColStride,
        b: rightData as Float32Array | Float64Array,
        bOffset: bOffsets[index]!,
        bRowStride,
        bColStride,
        beta: 0,
        c: out as Float32Array | Float64Array,
        cOffset,
      });
    } else {
      integerProduct(rows, n, k, leftData, aOffsets[index]!, aRowStride, aColStride, rightData, bOffsets[index]!, bRowStride, bColStride, out, cOffset, dtype !== 'int64');
    }
  }
  return Tensor.fromData(out, shape, dtype);
}

/** The broadcast batch shape of two operands, or a ShapeError naming both shapes. */
function broadcastBatch(op: string, batchA: readonly number[], batchB: readonly number[], shownA: Tensor, shownB: Tensor): number[] {
  const ndim = Math.max(batchA.length, batchB.length);
  const out = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) {
    const sizeA = batchA[i - ndim + batchA.length] ?? 1;
    const sizeB = batchB[i - ndim + batchB.length] ?? 1;
    if (sizeA !== sizeB && sizeA !== 1 && sizeB !== 1) {
      throw new ShapeError(
        `${op}: batch dims of shapes ${formatShape(shownA.shape)} and ${formatShape(shownB.shape)} cannot be broadcast (${formatShape(batchA)} and ${formatShape(batchB)})`,
      );
    }
    out[i] = sizeA === 1 ? sizeB : sizeA;
  }
  return out;
}

/**
 * The single stride that walks dims of `sizes` and `strides` as one flattened dim, if there is
 * one (size-1 dims are skipped; any stride does when at most one element remains).
 */
function mergedStride(sizes: readonly number[], strides: readonly number[]): number | undefined {
  let stride: number | undefined;
  let expected: number | undefined;
  for (let i = sizes.length - 1; i >= 0; i--) {
    const size = sizes[i]!;
    if (size === 1) continue;
    if (expected === undefined) stride = strides[i]!;
    else if (strides[i] !== expected) return undefined;
    expected = strides[i]! * size;
  }
  return stride ?? 0;
}

/**
 * C[m×n] = A·B on integer storage with PyTorch's overflow behaviour: int32 and uint8 products wrap
 * modulo 2^32 (Math.imul, then the store wraps to the element type); int64 is exact to 2^53.
 * The i-p-j order reads rows of B and writes rows of C sequentially.
 */
function integerProduct(
  m: number,
  n: number,
  k: number,
  a: TypedArray,
  aOffset: number,
  aRowStride: number,
  aColStride: number,
  b: TypedArray,
  bOffset: number,
  bRowStride: number,
  bColStride: number,
  c: TypedArray,
  cOffset: number,
  wrap32: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const cRow = cOffset + i * n;
    for (let p = 0; p < k; p++) {
      const x = a[aOffset + i * aRowStride + p * aColStride]!;
      for (let j = 0, bi = bOffset + p * bRowStride; j < n; j++, bi += bColStride) {
        c[cRow + j] = wrap32 ? (c[cRow + j]! + Math.imul(x, b[bi]!)) | 0 : c[cRow + j]! + x * b[bi]!;
      }
    }
  }
}
