import { checkpointOf, restoreCheckpoint, type CheckpointParts, type CheckpointRest, type CheckpointTargets } from './checkpoint-state.js';
import { load } from './pt/load.js';
import { save } from './pt/save.js';

export type { CheckpointParts, CheckpointRest, CheckpointTargets } from './checkpoint-state.js';

/**
 * Saves a training checkpoint as `.pt` bytes: the dict
 * `{ epoch, model: model.stateDict(), optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict(), ...extra }`,
 * PyTorch's usual layout, so `torch.load(f, weights_only=True)` reads it and each part feeds the
 * matching `load_state_dict`. Every part is optional.
 *
 * @throws CheckpointError when a part has no `stateDict()` or an extra value cannot be saved.
 *
 * @example
 * ```ts
 * const bytes = saveCheckpoint({ model, optimizer, scheduler, epoch, bestLoss });
 * // later, in fresh objects built the same way:
 * const { epoch, bestLoss } = loadCheckpoint(bytes, { model, optimizer, scheduler });
 * ```
 */
export function saveCheckpoint(parts: CheckpointParts): Uint8Array {
  return save(checkpointOf(parts));
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint} (or by PyTorch, in the same layout) and
 * restores its `model`, `optimizer` and `scheduler` entries into the objects given, all or
 * nothing: every entry is checked (model keys and shapes, optimizer group count and sizes,
 * scheduler keys) before anything changes, and a failed load leaves all three as they were.
 * Training then continues exactly as it would have without the pause.
 *
 * @returns the entries not restored: `epoch`, the extras, and the entries of parts not asked for.
 * @throws CheckpointError when the bytes are not a valid `.pt` file, an object has no entry, or an
 *   entry does not fit its object.
 */
export function loadCheckpoint(bytes: Uint8Array, targets: CheckpointTargets = {}): CheckpointRest {
  return restoreCheckpoint(load(bytes), targets);
}
