/**
 * Stochastic weight averaging, PyTorch's `torch.optim.swa_utils`: {@link AveragedModel}, the
 * averaging functions, the {@link SWALR} scheduler and {@link updateBn}.
 * @packageDocumentation
 */
export { AveragedModel, getEmaAvgFn, getEmaMultiAvgFn, getSwaAvgFn, getSwaMultiAvgFn, type AveragedModelOptions, type AvgFn, type MultiAvgFn } from './averaged-model.js';
export { cloneModule } from './clone-module.js';
export { SWALR, type SWALROptions } from './swalr.js';
export { updateBn } from './update-bn.js';
