import {
  type DivOptions,
  type DType,
  type Dims,
  formatShape,
  formatTensor,
  type FormatOptions,
  type GeneratorOptions,
  type IndexAddOptions,
  type IndexSpec,
  type IsCloseOptions,
  isFloatingPoint,
  type ReduceOptions,
  type ScanOptions,
  type ScatterOptions,
  type SizeArgs,
  type SoftmaxOptions,
  type SortOptions,
  type SumOptions,
  Tensor as RawTensor,
  type TopkOptions,
  type VarianceOptions,
} from '@torchlet/tensor';
import { AutogradError } from './autograd-error.js';
import { type BackwardOptions, runBackward } from './engine.js';
import { isGradEnabled } from './grad-mode.js';
import { type GradHook, Node } from './node.js';
import * as ops from './ops.js';
import type { Operand } from './record.js';
import type { SparseTensor } from './sparse.js';

/** A handle that undoes a registration, such as a gradient hook. */
export interface RemovableHandle {
  remove(): void;
}

/** Options of {@link Tensor.backward}. */
export interface TensorBackwardOptions extends BackwardOptions {
  /** Accumulate gradients only into these tensors (default: every leaf that requires grad). */
  inputs?: readonly Tensor[];
}

/**
 * The user-facing differentiable tensor: a `@torchlet/tensor` Tensor that can record the ops
 * applied to it on a tape and run them backward. Every method of the tensor layer is here, and
 * returns differentiable tensors.
 *
 * @example
 * ```ts
 * const x = tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
 * x.pow(2).sum().backward();
 * x.grad; // tensor([2., 4., 6.])
 * ```
 */
export class Tensor extends RawTensor {
  /** The op that produced this tensor (null for leaves): PyTorch's `grad_fn`. */
  gradFn: Node | null = null;
  /** For a view, the tensor whose storage it shares (in-place ops on such views are refused). */
  viewBase: Tensor | null = null;
  /**
   * For a view, its base's gradFn when the view was taken. An in-place op recorded on the base
   * since then leaves the view's own gradFn describing old values, so the tape refuses the view.
   */
  viewBaseGradFn: Node | null = null;
  #requiresGrad = false;
  #grad: Tensor | null = null;
  #accumulator: Node | null = null;

  /** A differentiable tensor over the same storage and window as `raw` (no copy). */
  static wrap(raw: RawTensor): Tensor {
    return new Tensor(raw.storage, raw.shape, raw.strides, raw.offset, raw.dtype);
  }

  /** True when gradients flow to or through this tensor. */
  get requiresGrad(): boolean {
    return this.#requiresGrad || this.gradFn !== null;
  }

  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }

  /** Marks a leaf as requiring grad (or not), as `x.requires_grad_()` does. Returns this tensor. */
  requiresGrad_(requiresGrad = true): this {
    if (this.gradFn !== null) {
      if (requiresGrad) return this;
      throw new AutogradError(`requiresGrad_: you can only change requiresGrad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn't require differentiation use detach()`);
    }
    if (requiresGrad && !isFloatingPoint(this.dtype)) {
      throw new AutogradError(`requiresGrad_: only tensors of floating point dtype can require gradients, got ${this.dtype}`);
    }
    this.#requiresGrad = requiresGrad;
    return this;
  }

  /** True for a sparse COO tensor ({@link SparseTensor}), as PyTorch's `is_sparse`. */
  get isSparse(): boolean {
    return false;
  }

  /** True for tensors not produced by a recorded op (user-created tensors and parameters). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** The accumulated gradient of a leaf (or of a non-leaf after `retainGrad()`). */
  get grad(): Tensor | null {
    return this.#grad;
  }

  set grad(value: Tensor | RawTensor | null) {
    if (value !== null && (value.shape.length !== this.shape.length || value.shape.some((s, i) => s !== this.shape[i]))) {
      throw new AutogradError(`grad: assigned grad has data of a different size: ${formatShape(value.shape)} for a tensor of ${formatShape(this.shape)}`);
    }
    if (value !== null && value.dtype !== this.dtype) {
      throw new AutogradError(`grad: assigned grad has data of a different type: ${value.dtype} for a tensor of ${this.dtype}`);
    }
    this.#grad = value === null || value instanceof Tensor ? value : Tensor.wrap(value);
  }

  /** True after `retainGrad()` on a non-leaf. */
  get retainsGrad(): boolean {
    return this.gradFn !== null && this.gradFn.retained === this;
  }

  /** Keeps this non-leaf's gradient in `.grad` after backward (leaves always keep theirs). */
  retainGrad(): void {
    if (!this.requiresGrad) throw new AutogradError("retainGrad: can't retain grad on a tensor that doesn't require grad");
    if (this.gradFn !== null) this.gradFn.retained = this;
  }

  /**
   * Registers `hook(grad)`, called with this tensor's gradient during backward; a returned tensor
   * replaces the gradient.
   */
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) throw new AutogradError("registerHook: cannot register a hook on a tensor that doesn't require gradient");
    const hooks = (this.gradFn ?? this.accumulator()).hooks;
    hooks.push(hook);
    return {
      remove: () => {
        const at = hooks.indexOf(hook);
        if (at >= 0) hooks.splice(at, 1);
      },
    };
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad, adding it
   * to their `.grad`. A non-scalar output needs `gradient` (the vector of the vector-Jacobian
   * product), as in PyTorch.
   */
  backward(gradient?: Tensor | RawTensor | null, options: TensorBackwardOptions = {}): void {
    if (gradient === undefined || gradient === null) {
      if (this.numel() !== 1) throw new AutogradError('backward: grad can be implicitly created only for scalar outputs');
      gradient = ops.onesLike(this);
    }
    const seed = gradient instanceof Tensor ? gradient : Tensor.wrap(gradient);
    if (options.inputs === undefined) {
      runBackward([this], [seed], { ...options, accumulate: true });
      return;
    }
    if (options.inputs.length === 0) throw new AutogradError("backward: 'inputs' argument to backward() cannot be empty");
    // Leaves accumulate in the engine; a non-leaf input's gradient is captured and accumulated
    // into its .grad here (for this call only, unlike retainGrad).
    const nonLeaves = options.inputs.filter((t) => t.gradFn !== null);
    const only = new Set(options.inputs.map((t) => t.gradFn ?? t.accumulator()));
    const captured = runBackward([this], [seed], { ...options, accumulate: true, only, capture: nonLeaves.map((t) => t.gradFn!) });
    for (const t of nonLeaves) {
      const g = captured.get(t.gradFn!);
      if (g !== undefined) t.accumulateGrad(g, options.createGraph ?? false);
    }
  }

  /** A tensor sharing this one's storage, cut from the graph (requires no grad). */
  detach(): Tensor {
    return Tensor.wrap(this);
  }

  /** Cuts this tensor from the graph in place, making it a leaf that requires no grad. */
  detach_(): this {
    this.gradFn = null;
    this.#requiresGrad = false;
    return this;
  }

  /** Sets the op that produced this tensor (used by the tape; not for user code). */
  attach(node: Node): void {
    this.gradFn = node;
  }

  /** The node that adds gradients into this leaf's `.grad` (PyTorch's AccumulateGrad). */
  accumulator(): Node {
    if (this.gradFn !== null) throw new AutogradError('accumulator: only leaves accumulate gradients');
    this.#accumulator ??= new Node('AccumulateGrad', [], this.shape, this.dtype, null, [], this);
    return this.#accumulator;
  }

  /**
   * Adds `gradient` into `.grad` (used by backward). Without createGraph a dense sum is in place.
   * Sparse gradients stay sparse as PyTorch's do: sparse onto sparse concatenates the entries
   * (uncoalesced), sparse onto dense adds densely, and dense onto sparse gives a dense `.grad`.
   */
  accumulateGrad(gradient: Tensor, createGraph: boolean): void {
    const current = this.#grad;
    if (current === null) {
      this.#grad = createGraph ? ops.clone(gradient) : gradient.isSparse ? gradient.clone() : ops.clone(gradient).detach();
    } else if (current.isSparse && gradient.isSparse) {
      this.#grad = (current as SparseTensor).addSparse(gradient as SparseTensor);
    } else if (createGraph || current.isSparse) {
      // Not in place on a sparse .grad: its entries would no longer describe it.
      this.#grad = ops.add(current, gradient);
    } else {
      current.add_(gradient.detach());
    }
  }

  /** A copy whose gradient flows back to this tensor. */
  override clone(): Tensor {
    return ops.clone(this);
  }

  /** This tensor if contiguous, else a differentiable contiguous copy. */
  override contiguous(): Tensor {
    return this.isContiguous() ? this : ops.clone(this);
  }

  /** A differentiable dtype conversion. */
  override to(dtype: DType): Tensor;
  override to(options: { dtype: DType }): Tensor;
  override to(arg: DType | { dtype: DType }): Tensor {
    return ops.toDType(this, typeof arg === 'string' ? arg : arg.dtype);
  }
  override float(): Tensor {
    return this.to('float32');
  }
  override double(): Tensor {
    return this.to('float64');
  }
  override int(): Tensor {
    return this.to('int32');
  }
  override long(): Tensor {
    return this.to('int64');
  }
  override bool(): Tensor {
    return this.to('bool');
  }

  override get T(): Tensor {
    return ops.permute(this, this.shape.map((_, i) => this.ndim - 1 - i));
  }

  override max(): Tensor;
  override max(dim: number, options?: ReduceOptions): { values: Tensor; indices: Tensor };
  override max(dim?: number, options?: ReduceOptions): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? ops.max(this) : ops.max(this, dim, options);
  }
  override min(): Tensor;
  override min(dim: number, options?: ReduceOptions): { values: Tensor; indices: Tensor };
  override min(dim?: number, options?: ReduceOptions): Tensor | { values: Tensor; indices: Tensor } {
    return dim === undefined ? ops.min(this) : ops.min(this, dim, options);
  }

  /** PyTorch's printed form, with `requires_grad=True` or `grad_fn=<…>` when they apply. */
  override toString(options: FormatOptions = {}): string {
    const suffixes = this.gradFn !== null ? [`grad_fn=<${this.gradFn.name}>`] : this.requiresGrad ? ['requires_grad=True'] : [];
    return formatTensor(this, { ...options, suffixes: [...(options.suffixes ?? []), ...suffixes] });
  }

  // ---- Views (differentiable; gradients reach the base) ----
  override view(...sizes: SizeArgs): Tensor {
    return ops.view(this, ...sizes);
  }
  override reshape(...sizes: SizeArgs): Tensor {
    return ops.reshape(this, ...sizes);
  }
  override transpose(dim0: number, dim1: number): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  override permute(...dims: SizeArgs): Tensor {
    return ops.permute(this, ...dims);
  }
  override t(): Tensor {
    return ops.t(this);
  }
  override expand(...sizes: SizeArgs): Tensor {
    return ops.expand(this, ...sizes);
  }
  override expandAs(other: RawTensor): Tensor {
    return ops.expand(this, [...other.shape]);
  }
  override broadcastTo(shape: readonly number[]): Tensor {
    return ops.broadcastTo(this, shape);
  }
  override narrow(dim: number, start: number, length: number): Tensor {
    return ops.narrow(this, dim, start, length);
  }
  override select(dim: number, index: number): Tensor {
    return ops.select(this, dim, index);
  }
  override slice(dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
    return ops.slice(this, dim, start, end, step);
  }
  override index(...specs: IndexSpec[]): Tensor {
    return ops.index(this, ...specs);
  }
  override squeeze(dim?: number | readonly number[]): Tensor {
    return ops.squeeze(this, dim);
  }
  override unsqueeze(dim: number): Tensor {
    return ops.unsqueeze(this, dim);
  }
  override flatten(startDim = 0, endDim = -1): Tensor {
    return ops.flatten(this, startDim, endDim);
  }
  override unflatten(dim: number, sizes: readonly number[]): Tensor {
    return ops.unflatten(this, dim, sizes);
  }
  override movedim(source: number, destination: number): Tensor {
    return ops.movedim(this, source, destination);
  }
  override split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[] {
    return ops.split(this, splitSizeOrSections, dim);
  }
  override chunk(chunks: number, dim?: number): Tensor[] {
    return ops.chunk(this, chunks, dim);
  }
  override unbind(dim?: number): Tensor[] {
    return ops.unbind(this, dim);
  }

  // ---- Elementwise ----
  override mul(other: Operand): Tensor {
    return ops.mul(this, other);
  }
  override pow(exponent: Operand): Tensor {
    return ops.pow(this, exponent);
  }
  override maximum(other: Operand): Tensor {
    return ops.maximum(this, other);
  }
  override minimum(other: Operand): Tensor {
    return ops.minimum(this, other);
  }
  override remainder(other: Operand): Tensor {
    return ops.remainder(this, other);
  }
  override atan2(other: Operand): Tensor {
    return ops.atan2(this, other);
  }
  override eq(other: Operand): Tensor {
    return ops.eq(this, other);
  }
  override ne(other: Operand): Tensor {
    return ops.ne(this, other);
  }
  override lt(other: Operand): Tensor {
    return ops.lt(this, other);
  }
  override le(other: Operand): Tensor {
    return ops.le(this, other);
  }
  override gt(other: Operand): Tensor {
    return ops.gt(this, other);
  }
  override ge(other: Operand): Tensor {
    return ops.ge(this, other);
  }
  override logicalAnd(other: Operand): Tensor {
    return ops.logicalAnd(this, other);
  }
  override logicalOr(other: Operand): Tensor {
    return ops.logicalOr(this, other);
  }
  override logicalXor(other: Operand): Tensor {
    return ops.logicalXor(this, other);
  }
  override add(other: Operand, options?: { alpha?: number }): Tensor {
    return ops.add(this, other, options);
  }
  override sub(other: Operand, options?: { alpha?: number }): Tensor {
    return ops.sub(this, other, options);
  }
  override div(other: Operand, options?: DivOptions): Tensor {
    return ops.div(this, other, options);
  }
  override isclose(other: Operand, options?: IsCloseOptions): Tensor {
    return ops.isclose(this, other, options);
  }
  override where(condition: RawTensor, other: Operand): Tensor {
    return ops.where(condition, this, other);
  }
  override lerp(end: Operand, weight: Operand): Tensor {
    return ops.lerp(this, end, weight);
  }
  override neg(): Tensor {
    return ops.neg(this);
  }
  override abs(): Tensor {
    return ops.abs(this);
  }
  override sign(): Tensor {
    return ops.sign(this);
  }
  override exp(): Tensor {
    return ops.exp(this);
  }
  override expm1(): Tensor {
    return ops.expm1(this);
  }
  override log(): Tensor {
    return ops.log(this);
  }
  override log1p(): Tensor {
    return ops.log1p(this);
  }
  override sqrt(): Tensor {
    return ops.sqrt(this);
  }
  override rsqrt(): Tensor {
    return ops.rsqrt(this);
  }
  override square(): Tensor {
    return ops.square(this);
  }
  override sin(): Tensor {
    return ops.sin(this);
  }
  override cos(): Tensor {
    return ops.cos(this);
  }
  override tan(): Tensor {
    return ops.tan(this);
  }
  override tanh(): Tensor {
    return ops.tanh(this);
  }
  override sigmoid(): Tensor {
    return ops.sigmoid(this);
  }
  override relu(): Tensor {
    return ops.relu(this);
  }
  override erf(): Tensor {
    return ops.erf(this);
  }
  override reciprocal(): Tensor {
    return ops.reciprocal(this);
  }
  override floor(): Tensor {
    return ops.floor(this);
  }
  override ceil(): Tensor {
    return ops.ceil(this);
  }
  override trunc(): Tensor {
    return ops.trunc(this);
  }
  override isnan(): Tensor {
    return ops.isnan(this);
  }
  override isinf(): Tensor {
    return ops.isinf(this);
  }
  override isfinite(): Tensor {
    return ops.isfinite(this);
  }
  override logicalNot(): Tensor {
    return ops.logicalNot(this);
  }
  override round(options?: { decimals?: number }): Tensor {
    return ops.round(this, options);
  }
  override clamp(min?: number | null, max?: number | null): Tensor {
    return ops.clamp(this, min, max);
  }
  override nanToNum(options?: { nan?: number; posinf?: number; neginf?: number }): Tensor {
    return ops.nanToNum(this, options);
  }

  // ---- Reductions, scans, sorting, softmax ----
  override sum(dim?: Dims, options?: SumOptions): Tensor {
    return ops.sum(this, dim, options);
  }
  override mean(dim?: Dims, options?: SumOptions): Tensor {
    return ops.mean(this, dim, options);
  }
  override prod(dim?: Dims, options?: SumOptions): Tensor {
    return ops.prod(this, dim, options);
  }
  override amax(dim?: Dims, options?: ReduceOptions): Tensor {
    return ops.amax(this, dim, options);
  }
  override amin(dim?: Dims, options?: ReduceOptions): Tensor {
    return ops.amin(this, dim, options);
  }
  override argmax(dim?: number, options?: ReduceOptions): Tensor {
    return ops.argmax(this, dim, options);
  }
  override argmin(dim?: number, options?: ReduceOptions): Tensor {
    return ops.argmin(this, dim, options);
  }
  override var(dim?: Dims, options?: VarianceOptions): Tensor {
    return ops.variance(this, dim, options);
  }
  override std(dim?: Dims, options?: VarianceOptions): Tensor {
    return ops.std(this, dim, options);
  }
  override logsumexp(dim: Dims, options?: ReduceOptions): Tensor {
    return ops.logsumexp(this, dim, options);
  }
  override norm(p?: number | 'fro', dim?: Dims, options?: ReduceOptions): Tensor {
    return ops.norm(this, p, dim, options);
  }
  override all(dim?: Dims, options?: ReduceOptions): Tensor {
    return ops.all(this, dim, options);
  }
  override any(dim?: Dims, options?: ReduceOptions): Tensor {
    return ops.any(this, dim, options);
  }
  override cumsum(dim: number, options?: ScanOptions): Tensor {
    return ops.cumsum(this, dim, options);
  }
  override cumprod(dim: number, options?: ScanOptions): Tensor {
    return ops.cumprod(this, dim, options);
  }
  override sort(dim?: number, options?: SortOptions): { values: Tensor; indices: Tensor } {
    return ops.sort(this, dim, options);
  }
  override argsort(dim?: number, options?: SortOptions): Tensor {
    return ops.argsort(this, dim, options);
  }
  override topk(k: number, dim?: number, options?: TopkOptions): { values: Tensor; indices: Tensor } {
    return ops.topk(this, k, dim, options);
  }
  override softmax(dim: number, options?: SoftmaxOptions): Tensor {
    return ops.softmax(this, dim, options);
  }
  override logSoftmax(dim: number, options?: SoftmaxOptions): Tensor {
    return ops.logSoftmax(this, dim, options);
  }

  // ---- Linear algebra ----
  override matmul(other: Tensor): Tensor {
    return ops.matmul(this, other);
  }
  override mm(other: Tensor): Tensor {
    return ops.mm(this, other);
  }
  override bmm(other: Tensor): Tensor {
    return ops.bmm(this, other);
  }
  override dot(other: Tensor): Tensor {
    return ops.dot(this, other);
  }
  override outer(other: Tensor): Tensor {
    return ops.outer(this, other);
  }
  override mv(vector: Tensor): Tensor {
    return ops.mv(this, vector);
  }

  // ---- Indexing and rearranging ----
  override indexSelect(dim: number, index: RawTensor): Tensor {
    return ops.indexSelect(this, dim, index);
  }
  override gather(dim: number, index: RawTensor): Tensor {
    return ops.gather(this, dim, index);
  }
  override scatter(dim: number, index: RawTensor, src: Tensor | number, options?: ScatterOptions): Tensor {
    return ops.scatter(this, dim, index, src, options);
  }
  override scatterAdd(dim: number, index: RawTensor, src: Tensor): Tensor {
    return ops.scatterAdd(this, dim, index, src);
  }
  override indexAdd(dim: number, index: RawTensor, source: Tensor, options?: IndexAddOptions): Tensor {
    return ops.indexAdd(this, dim, index, source, options);
  }
  override maskedFill(mask: RawTensor, value: number | boolean | Tensor): Tensor {
    return ops.maskedFill(this, mask, value);
  }
  override maskedSelect(mask: RawTensor): Tensor {
    return ops.maskedSelect(this, mask);
  }
  override nonzero(): Tensor {
    return ops.nonzero(this);
  }
  override flip(dims: number | readonly number[]): Tensor {
    return ops.flip(this, dims);
  }
  override roll(shifts: number | readonly number[], dims?: number | readonly number[]): Tensor {
    return ops.roll(this, shifts, dims);
  }
  override repeat(...sizes: SizeArgs): Tensor {
    return ops.repeat(this, ...sizes);
  }
  override tile(dims: number | readonly number[]): Tensor {
    return ops.tile(this, dims);
  }
  override tril(diagonal?: number): Tensor {
    return ops.tril(this, diagonal);
  }
  override triu(diagonal?: number): Tensor {
    return ops.triu(this, diagonal);
  }

  // ---- In place: recorded on the tape when grad is needed (see inPlace) ----
  override add_(other: Operand, options?: { alpha?: number }): this {
    ops.add_(this, other, options);
    return this;
  }
  override sub_(other: Operand, options?: { alpha?: number }): this {
    ops.sub_(this, other, options);
    return this;
  }
  override mul_(other: Operand): this {
    ops.mul_(this, other);
    return this;
  }
  override div_(other: Operand): this {
    ops.div_(this, other);
    return this;
  }
  override pow_(exponent: Operand): this {
    ops.pow_(this, exponent);
    return this;
  }
  override maximum_(other: Operand): this {
    ops.maximum_(this, other);
    return this;
  }
  override addcmul_(t1: Operand, t2: Operand, options?: { value?: number }): this {
    ops.addcmul_(this, t1, t2, options);
    return this;
  }
  override addcdiv_(t1: Operand, t2: Operand, options?: { value?: number }): this {
    ops.addcdiv_(this, t1, t2, options);
    return this;
  }
  override lerp_(end: Operand, weight: Operand): this {
    ops.lerp_(this, end, weight);
    return this;
  }
  override copy_(source: Operand): this {
    ops.copy_(this, source);
    return this;
  }
  override fill_(value: number | boolean): this {
    ops.fill_(this, value);
    return this;
  }
  override zero_(): this {
    ops.zero_(this);
    return this;
  }
  override clamp_(min?: number | null, max?: number | null): this {
    ops.clamp_(this, min, max);
    return this;
  }
  override neg_(): this {
    ops.neg_(this);
    return this;
  }
  override abs_(): this {
    ops.abs_(this);
    return this;
  }
  override exp_(): this {
    ops.exp_(this);
    return this;
  }
  override log_(): this {
    ops.log_(this);
    return this;
  }
  override sqrt_(): this {
    ops.sqrt_(this);
    return this;
  }
  override sign_(): this {
    ops.sign_(this);
    return this;
  }
  override sigmoid_(): this {
    ops.sigmoid_(this);
    return this;
  }
  override tanh_(): this {
    ops.tanh_(this);
    return this;
  }
  override relu_(): this {
    ops.relu_(this);
    return this;
  }
  override reciprocal_(): this {
    ops.reciprocal_(this);
    return this;
  }
  override square_(): this {
    ops.square_(this);
    return this;
  }
  override scatter_(dim: number, index: RawTensor, src: Tensor | number, options?: ScatterOptions): this {
    ops.scatter_(this, dim, index, src, options);
    return this;
  }
  override scatterAdd_(dim: number, index: RawTensor, src: Tensor): this {
    ops.scatterAdd_(this, dim, index, src);
    return this;
  }
  override indexAdd_(dim: number, index: RawTensor, source: Tensor, options?: IndexAddOptions): this {
    ops.indexAdd_(this, dim, index, source, options);
    return this;
  }
  override maskedFill_(mask: RawTensor, value: number | boolean | Tensor): this {
    ops.maskedFill_(this, mask, value);
    return this;
  }
  override uniform_(from?: number, to?: number, options?: GeneratorOptions): this {
    ops.uniform_(this, from, to, options);
    return this;
  }
  override normal_(mean?: number, std?: number, options?: GeneratorOptions): this {
    ops.normal_(this, mean, std, options);
    return this;
  }
  override bernoulli_(p: number, options?: GeneratorOptions): this {
    ops.bernoulli_(this, p, options);
    return this;
  }

  /**
   * Points this tensor at `source`'s storage and window, keeping its identity (modules use it under
   * noGrad to change a parameter's dtype). It has no gradient, so it is refused while grad mode
   * could need one.
   */
  override set_(source: RawTensor): this {
    if (isGradEnabled() && this.requiresGrad) {
      throw new AutogradError(
        this.isLeaf ? 'set_: a leaf Variable that requires grad is being used in an in-place operation.' : 'set_: has no gradient; call it under noGrad, or on a detached tensor',
      );
    }
    return super.set_(source);
  }
}
