/**
 * Grad mode: whether ops record themselves on the tape. This is one of the two pieces of global
 * state torchlet shares with PyTorch (the other is the default random generator).
 */
let enabled = true;

/** True when ops record gradients (PyTorch's `torch.is_grad_enabled()`). */
export function isGradEnabled(): boolean {
  return enabled;
}

/** Turns gradient recording on or off until changed again. */
export function setGradEnabled(mode: boolean): void {
  enabled = mode;
}

function withGradMode<T>(mode: boolean, fn: () => T): T {
  const previous = enabled;
  enabled = mode;
  try {
    return fn();
  } finally {
    enabled = previous;
  }
}

/**
 * Runs `fn` without recording gradients, as `with torch.no_grad():` does.
 *
 * @example
 * ```ts
 * noGrad(() => weight.sub_(weight.grad!.mul(lr)));
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs `fn` with gradient recording on, even inside {@link noGrad}. */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}
