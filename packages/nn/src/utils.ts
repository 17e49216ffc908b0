/**
 * Gradient clipping and flattening of parameters (PyTorch's `torch.nn.utils`).
 * @packageDocumentation
 */
import { cat, div, InvalidArgumentError, isfinite, noGrad, norm, RawTensor, scalarTensor, stack, Tensor } from '@torchlet/autograd';

/** One tensor or any iterable of them (a module's `parameters()`, an array, …). */
export type Parameters = Tensor | Iterable<Tensor>;

function listOf(parameters: Parameters): Tensor[] {
  return parameters instanceof Tensor ? [parameters] : [...parameters];
}

/** Python's float formatting of a norm order (`2.0`, `inf`), for PyTorch's messages. */
function pythonFloat(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** Options of {@link clipGradNorm_}. */
export interface ClipGradNormOptions {
  /** Order of the norm (default 2; `Infinity` for the max norm). */
  normType?: number;
  /** Throw when the total norm is NaN or infinite instead of scaling by it (default false). */
  errorIfNonfinite?: boolean;
  /** Accepted for PyTorch compatibility; torchlet has one implementation, so it changes nothing. */
  foreach?: boolean | null;
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (the norm of the
 * per-gradient norms) is at most `maxNorm`: every gradient is multiplied by
 * min(1, maxNorm / (total + 1e-6)). Parameters without a gradient are skipped. Returns the total
 * norm before clipping, as a 0-D tensor (0 when there are no gradients).
 *
 * @example
 * ```ts
 * loss.backward();
 * clipGradNorm_(model.parameters(), 1.0);
 * optimizer.step();
 * ```
 */
export function clipGradNorm_(parameters: Parameters, maxNorm: number, options: ClipGradNormOptions = {}): Tensor {
  const { normType = 2, errorIfNonfinite = false } = options;
  const grads = listOf(parameters).flatMap((p) => (p.grad === null ? [] : [p.grad]));
  if (grads.length === 0) return scalarTensor(0, 'float32');
  return noGrad(() => {
    const dtype = grads[0]!.dtype;
    const total = norm(stack(grads.map((g) => norm(g.detach(), normType).to(dtype))), normType);
    if (errorIfNonfinite && !isfinite(total).item()) {
      throw new InvalidArgumentError(
        `clipGradNorm_: The total norm of order ${pythonFloat(normType)} for gradients from \`parameters\` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set \`errorIfNonfinite=false\``,
      );
    }
    // Multiplying by a coefficient clamped to 1 (rather than testing it) is PyTorch's choice.
    const coefficient = div(maxNorm, total.add(1e-6)).clamp(null, 1);
    for (const g of grads) g.mul_(coefficient);
    return total;
  });
}

/** Clamps every gradient of `parameters` into [−clipValue, clipValue], in place. */
export function clipGradValue_(parameters: Parameters, clipValue: number): void {
  noGrad(() => {
    for (const p of listOf(parameters)) p.grad?.clamp_(-clipValue, clipValue);
  });
}

/**
 * The parameters flattened and joined into one 1-D tensor (differentiable: gradients reach the
 * parameters).
 */
export function parametersToVector(parameters: Iterable<Tensor>): Tensor {
  const list = listOf(parameters);
  if (list.length === 0) throw new InvalidArgumentError('parametersToVector: expected a non-empty iterable of parameters (torch.cat(): expected a non-empty list of Tensors)');
  return cat(list.map((p) => p.view(-1)));
}

/**
 * Makes each parameter, in order, a view of the next `numel` elements of `vec` (PyTorch's
 * `param.data = vec[i:i+n].view_as(param)`: the parameters then share `vec`'s storage).
 * Elements of `vec` beyond the parameters' total size are ignored.
 */
export function vectorToParameters(vec: Tensor, parameters: Iterable<Tensor>): void {
  if (!(vec instanceof RawTensor)) throw new InvalidArgumentError(`vectorToParameters: expected a Tensor, but got: ${describe(vec)}`);
  let pointer = 0;
  for (const parameter of parameters) {
    const n = parameter.numel();
    const available = Math.max(Math.min(n, (vec.shape[0] ?? 1) - pointer), 0);
    if (vec.ndim !== 1 || available !== n) {
      throw new InvalidArgumentError(
        `vectorToParameters: shape '[${parameter.shape.join(', ')}]' is invalid for input of size ${vec.ndim === 1 ? available : vec.numel()} (a 1-D vector of at least ${pointer + n} elements is needed, got shape [${vec.shape.join(', ')}])`,
      );
    }
    // PyTorch assigns `param.data`, which autograd does not see.
    noGrad(() => parameter.set_(vec.detach().narrow(0, pointer, n).view([...parameter.shape])));
    pointer += n;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
