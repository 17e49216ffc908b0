/**
 * im2col (unfold) and col2im (fold): the data movement that turns a convolution into one GEMM per
 * image and group. Both work on one image and a run of channels, in the 2-d form every convolution
 * here is reduced to (1-d ones have height 1).
 * @packageDocumentation
 */

/** A float typed array, the only kind a convolution works on. */
export type FloatArray = Float32Array | Float64Array;

/**
 * The shape of one 2-d convolution, in the direction of the forward conv: `input` [N, C, H, W] and
 * `weight` [O, C/groups, kH, kW] give `output` [N, O, outHeight, outWidth]. Only the leading
 * padding appears: the output size is explicit, and any trailing padding is whatever the output
 * size reaches past the input (so asymmetric `'same'` padding needs no special case).
 */
export interface ConvGeometry {
  batch: number;
  inChannels: number;
  inHeight: number;
  inWidth: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
  groups: number;
  kernelHeight: number;
  kernelWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padLeft: number;
  dilationHeight: number;
  dilationWidth: number;
}

/**
 * The output columns `ow` whose input column `ow·stride + shift` lies inside [0, width): a half-open
 * range [start, end), so the inner loops need no bounds test. Rows are the same problem (height,
 * the row stride and `i·dilation − padTop` for the shift).
 */
export function validColumns(shift: number, stride: number, width: number, outWidth: number): [number, number] {
  const start = Math.min(Math.max(Math.ceil(-shift / stride), 0), outWidth);
  const end = Math.min(Math.max(Math.floor((width - 1 - shift) / stride) + 1, start), outWidth);
  return [start, end];
}

/**
 * Unfolds `channels` channels of one image into `cols`, a row-major
 * [channels·kH·kW, outHeight·outWidth] matrix: row (c, i, j) holds the input pixel that kernel tap
 * (i, j) of channel c sees at each output position, or 0 in the padding. Every element of that
 * matrix is written, so `cols` may hold garbage beforehand. The source is read through strides,
 * so non-contiguous inputs need no copy.
 *
 * Where output rows read source rows exactly `outWidth` apart (unit column steps and, usually,
 * stride 1 with 'same' padding, as in most CNN layers), the pixels a tap reads form one run of the
 * source: it is copied with `set` (a memcpy) and the few entries that fall in the side padding are
 * zeroed after. On LeNet's first layer ([32,1,28,28], 5×5, padding 2) that unfolds the batch in
 * 0.13 ms instead of 0.75 ms with element loops, which V8 runs at about one element per nanosecond.
 *
 * @param source - storage of the input; `sourceOffset` points at element [n, c0, 0, 0].
 */
export function im2col(
  geometry: ConvGeometry,
  source: FloatArray,
  sourceOffset: number,
  channelStride: number,
  rowStride: number,
  columnStride: number,
  channels: number,
  cols: FloatArray,
): void {
  const { inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const { strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth } = geometry;
  const outPlane = outHeight * outWidth;
  const step = strideWidth * columnStride;
  const runs = step === 1 && strideHeight * rowStride === outWidth;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const channelBase = sourceOffset + c * channelStride;
    for (let i = 0; i < kernelHeight; i++) {
      const [top, bottom] = validColumns(i * dilationHeight - padTop, strideHeight, inHeight, outHeight);
      for (let j = 0; j < kernelWidth; j++, row += outPlane) {
        const shift = j * dilationWidth - padLeft;
        const [start, end] = validColumns(shift, strideWidth, inWidth, outWidth);
        cols.fill(0, row, row + top * outWidth);
        cols.fill(0, row + bottom * outWidth, row + outPlane);
        if (start === end) {
          cols.fill(0, row + top * outWidth, row + bottom * outWidth);
          continue;
        }
        // Source index of output position (top, 0): it may lie before the row's first pixel.
        const first = channelBase + (top * strideHeight - padTop + i * dilationHeight) * rowStride + shift * columnStride;
        if (runs) {
          // Entries left of `start` or from `end` on read a neighbouring row (or outside the
          // storage, hence the clamp) and are zeroed below.
          const from = Math.max(first, 0);
          const to = Math.min(first + (bottom - top) * outWidth, source.length);
          copyRun(source, from, cols, row + top * outWidth + from - first, to - from);
        }
        for (let oh = top, r = row + top * outWidth, s = first; oh < bottom; oh++, r += outWidth, s += strideHeight * rowStride) {
          for (let ow = 0; ow < start; ow++) cols[r + ow] = 0;
          if (!runs) for (let ow = start; ow < end; ow++) cols[r + ow] = source[s + ow * step]!;
          for (let ow = end; ow < outWidth; ow++) cols[r + ow] = 0;
        }
      }
    }
  }
}

/**
 * Folds `cols` ([channels·kH·kW, outHeight·outWidth], as {@link im2col} lays it out) back onto one
 * image, adding every column entry into the input pixel it came from; entries in the padding are
 * dropped. `target` is contiguous [channels, H, W] from `targetOffset` and is accumulated into.
 */
export function col2im(geometry: ConvGeometry, cols: FloatArray, channels: number, target: FloatArray, targetOffset: number): void {
  const { inHeight, inWidth, outHeight, outWidth, kernelHeight, kernelWidth } = geometry;
  const { strideHeight, strideWidth, padTop, padLeft, dilationHeight, dilationWidth } = geometry;
  const plane = inHeight * inWidth;
  const outPlane = outHeight * outWidth;
  let row = 0;
  for (let c = 0; c < channels; c++) {
    const channelBase = targetOffset + c * plane;
    for (let i = 0; i < kernelHeight; i++) {
      const [top, bottom] = validColumns(i * dilationHeight - padTop, strideHeight, inHeight, outHeight);
      for (let j = 0; j < kernelWidth; j++, row += outPlane) {
        const shift = j * dilationWidth - padLeft;
        const [start, end] = validColumns(shift, strideWidth, inWidth, outWidth);
        let t = channelBase + (top * strideHeight - padTop + i * dilationHeight) * inWidth + shift;
        for (let oh = top, r = row + top * outWidth; oh < bottom; oh++, r += outWidth, t += strideHeight * inWidth) {
          // A loop of its own for unit steps: 5–7% faster on LeNet's shapes than the general one.
          if (strideWidth === 1) for (let ow = start; ow < end; ow++) target[t + ow] = target[t + ow]! + cols[r + ow]!;
          else for (let ow = start; ow < end; ow++) target[t + ow * strideWidth] = target[t + ow * strideWidth]! + cols[r + ow]!;
        }
      }
    }
  }
}

/**
 * Copies `length` elements of `source` from `from` to `target` from `to`: with `set` (a memcpy)
 * when the run is long, and element by element when it is short, where making the subarray view
 * costs more than the copy (they broke even at about 28 float32 elements on V8).
 */
export function copyRun(source: FloatArray, from: number, target: FloatArray, to: number, length: number): void {
  if (length >= 32) target.set(source.subarray(from, from + length), to);
  else for (let i = 0; i < length; i++) target[to + i] = source[from + i]!;
}

const scratchCap = 1 << 22;
let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

/**
 * A scratch buffer of at least `length` elements, reused across calls so that convolutions on the
 * same shapes do not allocate their column matrix each time. Its contents are garbage: callers
 * must write what they read. Buffers above 2^22 elements are not kept, so one huge convolution
 * does not pin its memory for the life of the process.
 */
export function scratchBuffer(dtype: 'float32' | 'float64', length: number): FloatArray {
  if (dtype === 'float32') {
    if (scratch32.length >= length) return scratch32;
    const buffer = new Float32Array(length);
    if (length <= scratchCap) scratch32 = buffer;
    return buffer;
  }
  if (scratch64.length >= length) return scratch64;
  const buffer = new Float64Array(length);
  if (length <= scratchCap) scratch64 = buffer;
  return buffer;
}
