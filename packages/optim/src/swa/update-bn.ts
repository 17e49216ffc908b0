import { BatchNorm1d, type Module, noGrad, type Tensor } from '@torchlet/nn';

/**
 * The batch norms' common base class (PyTorch's `_BatchNorm`), which @torchlet/nn does not
 * export: the parent class of `BatchNorm1d`, so BatchNorm2d and any later batch norm match too.
 */
const BatchNormBase = Object.getPrototypeOf(BatchNorm1d) as abstract new (...args: never[]) => BatchNorm1d;

/** A batch norm whose `momentum` {@link updateBn} may set (it is read-only to users). */
type MutableMomentum = BatchNorm1d & { momentum: number | null };

/**
 * Recomputes the BatchNorm running statistics of `model` with one pass over `loader`, PyTorch's
 * `torch.optim.swa_utils.update_bn`: the averaged weights of an {@link AveragedModel} need their
 * own statistics. Every batch norm's running stats are reset and its momentum set to null (a
 * cumulative average over the batches); the model runs in training mode on each batch (a tensor,
 * or an array whose first entry is the input), without gradients; then the momenta and the
 * model's mode are restored. A model without batch norms is left alone.
 *
 * @example
 * ```ts
 * updateBn(batches.map(([x]) => x), swaModel);
 * ```
 */
export function updateBn(loader: Iterable<Tensor | readonly unknown[]>, model: Module): void {
  noGrad(() => {
    const momenta = new Map<MutableMomentum, number | null>();
    for (const module of model.modules()) {
      if (module instanceof BatchNormBase) {
        module.resetRunningStats();
        momenta.set(module as MutableMomentum, module.momentum);
      }
    }
    if (momenta.size === 0) return;
    const wasTraining = model.training;
    model.train();
    for (const module of momenta.keys()) module.momentum = null;
    try {
      for (const batch of loader) {
        const input = Array.isArray(batch) ? batch[0] : batch;
        (model.call as (...args: unknown[]) => unknown)(input);
      }
    } finally {
      // PyTorch restores only after a full pass; restoring on an error too leaves no model half-set.
      for (const [module, momentum] of momenta) module.momentum = momentum;
      model.train(wasTraining);
    }
  });
}
