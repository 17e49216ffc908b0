import { Tensor as RawTensor, type Operand as RawOperand } from '@torchlet/tensor';
import { isAnomalyEnabled } from './anomaly.js';
import { AutogradError } from './autograd-error.js';
import { isGradEnabled } from './grad-mode.js';
import { type BackwardFn, Node } from './node.js';
import { Tensor } from './tensor.js';

/** A differentiable tensor, a raw tensor (a constant) or a JavaScript scalar. */
export type Operand = RawOperand;

/**
 * A plain tensor-layer view of `x` (same storage, no autograd state). Ops hand these to the
 * kernels so that the kernels' own method calls never record anything on the tape.
 */
export function raw(x: RawTensor): RawTensor;
export function raw(x: Operand): RawOperand;
export function raw(x: Operand): RawOperand {
  if (!(x instanceof Tensor)) return x;
  return new RawTensor(x.storage, x.shape, x.strides, x.offset, x.dtype);
}

/** True when `x` is a differentiable tensor that requires grad. */
export function needsGrad(x: unknown): x is Tensor {
  return x instanceof Tensor && x.requiresGrad;
}

/** The node a gradient for `x` flows into: its grad_fn, or for a leaf its accumulator. */
export function edgeOf(x: Tensor): Node {
  return x.gradFn ?? x.accumulator();
}

/**
 * Wraps a kernel's output as a differentiable tensor and, when grad mode is on and an input
 * requires grad, records `backward` on the tape with `inputs` as the node's inputs (one gradient
 * each; non-tensor inputs get none). `saved` are tensors the backward reads: modifying one in
 * place before backward is an error. An input that is a view taken before an in-place op on its
 * base is refused.
 */
export function record(name: string, output: RawTensor, inputs: readonly unknown[], backward: BackwardFn, saved: readonly unknown[] = []): Tensor {
  const out = Tensor.wrap(output);
  if (!isGradEnabled()) return out;
  for (const input of inputs) if (input instanceof Tensor && isStaleView(input)) staleView(name);
  if (!inputs.some(needsGrad)) return out;
  const next = inputs.map((input) => (needsGrad(input) ? edgeOf(input) : null));
  const keep = saved.filter((s): s is Tensor => s instanceof Tensor);
  const trace = isAnomalyEnabled() ? new Error().stack?.split('\n').slice(2).join('\n') : undefined;
  out.attach(new Node(name, next, out.shape, out.dtype, backward, keep, null, trace));
  return out;
}

/**
 * {@link record} for ops whose backward reads their own output (exp, sqrt, softmax, …): `backward`
 * gets the output as a third argument, and the output is saved, so that modifying it in place
 * before backward is an error rather than a wrong gradient.
 */
export function recordWithOutput(
  name: string,
  output: RawTensor,
  inputs: readonly unknown[],
  backward: (gradOutput: Tensor, needs: readonly boolean[], output: Tensor) => ReturnType<BackwardFn>,
  saved: readonly unknown[] = [],
): Tensor {
  const y: Tensor = record(name, output, inputs, (g, needs) => backward(g, needs, y), saved);
  y.gradFn?.save(y);
  return y;
}

/** True for a view whose base has since taken over the node of an in-place op. */
function isStaleView(x: Tensor): boolean {
  const base = x.viewBase;
  return base !== null && base.gradFn !== null && base.gradFn !== x.viewBaseGradFn;
}

/**
 * PyTorch regenerates a view's grad_fn after an in-place op on its base; torchlet refuses the view
 * instead, since its gradient would flow to the base's old values.
 */
function staleView(name: string): never {
  const op = name.replace(/Backward$/, '').replace(/^./, (c) => c.toLowerCase());
  throw new AutogradError(`${op}: an input is a view taken before an in-place op on its base, so its gradient would be wrong; take the view again after the in-place op`);
}

/** Wraps the output of an op with no gradient (comparisons, argmax, …). */
export function constant(output: RawTensor): Tensor {
  return Tensor.wrap(output);
}
