/**
 * @torchlet/optim: PyTorch's optimizers, LR schedulers and weight averaging. Re-exports
 * @torchlet/nn, so a training script imports from here alone.
 * @packageDocumentation
 */
export * from '@torchlet/nn';
export { Optimizer, required, type Hyperparameters, type ParamGroup, type ParamGroupInput, type ParamState, type OptimizerStateDict, type StepHook, type StateDictPreHook, type StateDictPostHook, type LoadStateDictPreHook, type LoadStateDictPostHook, registerOptimizerStepPreHook, registerOptimizerStepPostHook } from './optimizer.js';
export { OptimError } from './optim-error.js';
export { SGD, sgdUpdate, type SGDOptions } from './optimizers/sgd.js';
export { Adam, AdamW, adamUpdate, type AdamOptions } from './optimizers/adam.js';
export { Adagrad, adagradUpdate, adagradSparseUpdate, type AdagradOptions } from './optimizers/adagrad.js';
export { RMSprop, rmspropUpdate, type RMSpropOptions } from './optimizers/rmsprop.js';
export { Adadelta, adadeltaUpdate, type AdadeltaOptions } from './optimizers/adadelta.js';
export { Adamax, adamaxUpdate, type AdamaxOptions } from './optimizers/adamax.js';
export { NAdam, nadamUpdate, type NAdamOptions } from './optimizers/nadam.js';
export { RAdam, radamUpdate, type RAdamOptions } from './optimizers/radam.js';
export { ASGD, asgdUpdate, type ASGDOptions } from './optimizers/asgd.js';
export { Rprop, rpropUpdate, type RpropOptions } from './optimizers/rprop.js';
export { SparseAdam, sparseAdamUpdate, type SparseAdamOptions } from './optimizers/sparse-adam.js';
export { LBFGS, lbfgsDirection, type LBFGSOptions } from './optimizers/lbfgs.js';
export { strongWolfe, cubicInterpolate, ScalarMath, Scalar0d, type Num, type DirectionalObjective, type LineSearchResult, type StrongWolfeOptions } from './optimizers/strong-wolfe.js';
export { setWarningHandler, type WarningHandler } from './schedulers/warnings.js';
export { LRScheduler, type LRSchedulerOptions, type SchedulerStateDict } from './schedulers/lr-scheduler.js';
export { LambdaLR, MultiplicativeLR, type LambdaLROptions, type LrLambda } from './schedulers/lambda-lr.js';
export { StepLR, MultiStepLR, ExponentialLR, PolynomialLR, type StepLROptions, type MultiStepLROptions, type ExponentialLROptions, type PolynomialLROptions } from './schedulers/decay-lr.js';
export { ConstantLR, LinearLR, type ConstantLROptions, type LinearLROptions } from './schedulers/factor-lr.js';
export { CosineAnnealingLR, CosineAnnealingWarmRestarts, type CosineAnnealingLROptions, type CosineAnnealingWarmRestartsOptions } from './schedulers/cosine-lr.js';
export { SequentialLR, ChainedScheduler, type SequentialLROptions } from './schedulers/composite-lr.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './schedulers/reduce-lr-on-plateau.js';
export { CyclicLR, type CyclicLROptions } from './schedulers/cyclic-lr.js';
export { OneCycleLR, type OneCycleLROptions, type SchedulePhase } from './schedulers/one-cycle-lr.js';
export { Adafactor, adafactorUpdate, type AdafactorMoments, type AdafactorOptions } from './optimizers/adafactor.js';
export { Muon, muonUpdate, zeropowerViaNewtonSchulz, newtonSchulz, adjustLr, type MuonOptions } from './optimizers/muon.js';
export * as swaUtils from './swa/index.js';
export { AveragedModel, getEmaAvgFn, getEmaMultiAvgFn, getSwaAvgFn, getSwaMultiAvgFn, type AveragedModelOptions, type AvgFn, type MultiAvgFn } from './swa/averaged-model.js';
export { cloneModule } from './swa/clone-module.js';
export { SWALR, type SWALROptions } from './swa/swalr.js';
export { updateBn } from './swa/update-bn.js';
