import { AutogradError } from './autograd-error.js';
import type { Node } from './node.js';
import type { Tensor } from './tensor.js';

let detecting = false;

/** True inside {@link detectAnomaly}: nodes record where they were created. */
export function isAnomalyEnabled(): boolean {
  return detecting;
}

/**
 * Runs `fn` (forward and backward) with anomaly detection, like `torch.autograd.detect_anomaly`:
 * every node remembers the call that created it, and a backward step that produces NaN fails with
 * an error naming that node and where its forward op ran. Slow; for debugging only.
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = detecting;
  detecting = true;
  try {
    return fn();
  } finally {
    detecting = previous;
  }
}

/** Under anomaly detection, throws if `node` produced a NaN gradient. */
export function anomalyCheck(node: Node, gradients: readonly (Tensor | null | undefined)[]): void {
  if (!detecting) return;
  gradients.forEach((g, k) => {
    if (g === null || g === undefined) return;
    const data = g.toTypedArray();
    for (let i = 0; i < data.length; i++) {
      if (Number.isNaN(data[i]!)) {
        throw new AutogradError(
          `Function '${node.name}' returned nan values in its ${k}th output.${node.trace ? `\nTraceback of the forward call that created it:\n${node.trace}` : ''}`,
        );
      }
    }
  });
}
