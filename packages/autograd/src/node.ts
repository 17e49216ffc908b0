import type { DType } from '@torchlet/tensor';
import { AutogradError } from './autograd-error.js';
import type { Tensor } from './tensor.js';

/**
 * Turns the gradient of an op's output into gradients of its inputs, one entry per input
 * (null where an input needs none; `needs[k]` says whether input k does).
 */
export type BackwardFn = (gradOutput: Tensor, needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

/** A hook on a tensor's gradient; returning a tensor replaces the gradient. */
export type GradHook = (gradient: Tensor) => Tensor | void;

/** What a saved tensor looked like when the op recorded it, to catch in-place changes later. */
interface SavedTensor {
  tensor: Tensor;
  version: number;
}

/**
 * One recorded op on the tape (PyTorch's `grad_fn`). `next` holds, per input, the node its
 * gradient flows to: the input's own grad_fn, or for a leaf its {@link Node.accumulator}.
 */
export class Node {
  /** The op's readable name, e.g. `MulBackward`. */
  readonly name: string;
  /** Where each input's gradient goes (null for inputs that need none). */
  readonly next: readonly (Node | null)[];
  /** Shape and dtype of the output, to check and create the incoming gradient. */
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** For an accumulator node: the leaf whose `.grad` it fills. */
  readonly variable: Tensor | null;
  /** Hooks registered on the output tensor (non-leaf) or on the leaf (accumulator). */
  readonly hooks: GradHook[] = [];
  /** The output tensor, when `retainGrad()` asked for its gradient to be kept. */
  retained: Tensor | null = null;
  /** Where the forward op was called, recorded only under anomaly detection. */
  readonly trace: string | undefined;
  private backwardFn: BackwardFn | null;
  private saved: SavedTensor[];

  constructor(name: string, next: readonly (Node | null)[], shape: readonly number[], dtype: DType, backward: BackwardFn | null, saved: readonly Tensor[] = [], variable: Tensor | null = null, trace?: string) {
    this.name = name;
    this.next = next;
    this.shape = shape;
    this.dtype = dtype;
    this.backwardFn = backward;
    this.saved = saved.map((tensor) => ({ tensor, version: tensor.version }));
    this.variable = variable;
    this.trace = trace;
  }

  /** Saves `tensor` (usually the op's output, which exists only after the node) for the version check. */
  save(tensor: Tensor): void {
    this.saved.push({ tensor, version: tensor.version });
  }

  /**
   * Computes the input gradients, checking first that no saved tensor was modified in place.
   * `needs` (default: every input with a node) says which gradients the caller will use.
   */
  apply(gradOutput: Tensor, needs: readonly boolean[] = this.next.map((n) => n !== null)): readonly (Tensor | null | undefined)[] {
    if (this.backwardFn === null) {
      throw new AutogradError(
        'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call backward() or grad(). Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
      );
    }
    for (const { tensor, version } of this.saved) {
      if (tensor.version !== version) {
        throw new AutogradError(
          `one of the variables needed for gradient computation has been modified by an inplace operation: [${tensor.dtype} [${tensor.shape.join(', ')}]], which is saved by ${this.name}, is at version ${tensor.version}; expected version ${version} instead. Hint: the operation that failed to compute its gradient is ${this.name}.`,
        );
      }
    }
    return this.backwardFn(gradOutput, needs);
  }

  /** Drops the closure and saved tensors so their memory can be reclaimed (no `retainGraph`). */
  release(): void {
    this.backwardFn = null;
    this.saved = [];
  }
}
