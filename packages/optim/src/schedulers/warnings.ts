/**
 * Where scheduler warnings go. PyTorch uses Python's `warnings.warn(..., UserWarning)`; here a
 * warning is a message plus a code:
 *
 * - `TORCHLET_LR_SCHEDULER_ORDER`: `scheduler.step()` ran before the first `optimizer.step()`.
 * - `TORCHLET_LR_SCHEDULER_EPOCH`: `step(epoch)` was given an epoch (deprecated in PyTorch).
 * - `TORCHLET_LR_SCHEDULER_GET_LR`: `getLr()` was called outside `step()`.
 *
 * By default they go to `process.emitWarning(message, { code })` under Node and to `console.warn`
 * where there is no `process` (browsers). {@link setWarningHandler} redirects them.
 */

/** Receives a scheduler warning: PyTorch's message and a `TORCHLET_LR_SCHEDULER_*` code. */
export type WarningHandler = (message: string, code: string) => void;

interface WarningGlobals {
  process?: { emitWarning?: (message: string, options: { code: string }) => void };
  console?: { warn: (...data: unknown[]) => void };
}

const emitWarning: WarningHandler = (message, code) => {
  const globals = globalThis as WarningGlobals;
  if (typeof globals.process?.emitWarning === 'function') globals.process.emitWarning(message, { code });
  else globals.console?.warn(`${code}: ${message}`);
};

let handler: WarningHandler = emitWarning;

/**
 * Sends scheduler warnings to `fn` instead of `process.emitWarning`; `null` restores the default.
 * Returns the previous handler, so a caller can put it back.
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * const previous = setWarningHandler((message, code) => seen.push(code));
 * // … train …
 * setWarningHandler(previous);
 * ```
 */
export function setWarningHandler(fn: WarningHandler | null): WarningHandler {
  const previous = handler;
  handler = fn ?? emitWarning;
  return previous;
}

/** Emits a scheduler warning through the current handler. */
export function warn(message: string, code: string): void {
  handler(message, code);
}
