import { formatShape, InvalidArgumentError, sameShape } from '@torchlet/tensor';
import { anomalyCheck } from './anomaly.js';
import { AutogradError } from './autograd-error.js';
import { enableGrad, noGrad } from './grad-mode.js';
import type { Node } from './node.js';
import type { Tensor } from './tensor.js';

/** Options shared by `backward()` and `grad()`. */
export interface BackwardOptions {
  /** Keep the graph so backward can run through it again (default: false). */
  retainGraph?: boolean;
  /** Record the backward pass itself, so gradients are differentiable (default: false). */
  createGraph?: boolean;
}

/**
 * Runs the tape backward from `roots`, seeded with `seeds`. Nodes run in reverse topological
 * order, so each runs once, with the sum of every gradient that reaches it. `capture` names nodes
 * whose incoming gradient the caller wants back (for `grad()`); `accumulate` says whether leaves'
 * `.grad` are filled, and `only` restricts that to some leaves (`backward({ inputs })`).
 */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly Tensor[],
  options: BackwardOptions & { capture?: readonly Node[]; accumulate: boolean; only?: ReadonlySet<Node> },
): Map<Node, Tensor> {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const pending = new Map<Node, Tensor>();
  const rootNodes: Node[] = [];
  roots.forEach((root, i) => {
    const node = root.gradFn ?? (root.requiresGrad ? root.accumulator() : null);
    if (node === null) {
      throw new AutogradError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    }
    const seed = seeds[i]!;
    if (!sameShape(seed.shape, root.shape)) {
      throw new InvalidArgumentError(`backward: gradient has shape ${formatShape(seed.shape)} but the output has shape ${formatShape(root.shape)}`);
    }
    addInto(pending, node, seed);
    rootNodes.push(node);
  });

  const order = topologicalOrder(rootNodes);
  const captured = new Map<Node, Tensor>();
  const capture = new Set(options.capture ?? []);
  // grad() and backward({ inputs }) run only the nodes that lead to their targets, as PyTorch
  // does: the rest of the graph is neither computed nor freed.
  const targets = options.capture !== undefined || options.only !== undefined ? new Set([...capture, ...(options.only ?? [])]) : null;
  const useful = targets === null ? null : nodesLeadingTo(order, targets);
  const wanted = (node: Node | null): boolean => node !== null && (useful === null || useful.has(node));
  const run = () => {
    for (const node of order) {
      let gradient = pending.get(node);
      if (gradient === undefined || !wanted(node)) continue;
      pending.delete(node);
      for (const hook of node.hooks) gradient = hook(gradient) ?? gradient;
      if (capture.has(node)) captured.set(node, gradient);
      if (node.variable !== null) {
        if (options.accumulate && (options.only === undefined || options.only.has(node))) node.variable.accumulateGrad(gradient, createGraph);
        continue;
      }
      if (node.retained !== null && options.accumulate && options.only === undefined) node.retained.accumulateGrad(gradient, createGraph);
      const needs = node.next.map(wanted);
      if (!needs.includes(true)) continue;
      const inputs = node.apply(gradient, needs);
      anomalyCheck(node, inputs);
      node.next.forEach((next, k) => {
        const g = inputs[k];
        if (next === null || !needs[k] || g === null || g === undefined) return;
        // A leaf's own shape and dtype, which set_ may have changed since its accumulator was made.
        const expected = next.variable ?? next;
        if (!sameShape(g.shape, expected.shape)) {
          throw new AutogradError(`Function ${node.name} returned an invalid gradient at index ${k} - got ${formatShape(g.shape)} but expected shape compatible with ${formatShape(expected.shape)}`);
        }
        // As in PyTorch, each input's gradient has the input's dtype (float32·float64 → float32 for the first).
        addInto(pending, next, g.dtype === expected.dtype ? g : g.to(expected.dtype));
      });
      if (!retainGraph) node.release();
    }
  };
  if (createGraph) enableGrad(run);
  else noGrad(run);
  return captured;
}

function addInto(pending: Map<Node, Tensor>, node: Node, gradient: Tensor): void {
  const existing = pending.get(node);
  pending.set(node, existing === undefined ? gradient : existing.add(gradient));
}

/** The `targets` and the nodes of `order` (a topological order) from which one can be reached. */
function nodesLeadingTo(order: readonly Node[], targets: ReadonlySet<Node>): Set<Node> {
  const useful = new Set<Node>();
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (targets.has(node) || node.next.some((next) => next !== null && useful.has(next))) useful.add(node);
  }
  return useful;
}

/**
 * Nodes reachable from `roots`, each after every node that feeds it a gradient. Iterative, so a
 * graph thousands of ops deep (a long RNN) cannot overflow the stack.
 */
function topologicalOrder(roots: readonly Node[]): Node[] {
  const postOrder: Node[] = [];
  const visited = new Set<Node>();
  const stack: { node: Node; child: number }[] = [];
  for (const root of roots) {
    if (visited.has(root)) continue;
    visited.add(root);
    stack.push({ node: root, child: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.child < top.node.next.length) {
        const next = top.node.next[top.child++];
        if (next !== null && next !== undefined && !visited.has(next)) {
          visited.add(next);
          stack.push({ node: next, child: 0 });
        }
      } else {
        postOrder.push(top.node);
        stack.pop();
      }
    }
  }
  return postOrder.reverse();
}
