/**
 * @torchlet/serialize: PyTorch's `.pt` checkpoints and safetensors files, read and written in
 * any JavaScript runtime (the Node file helpers live in `@torchlet/serialize/node`).
 * @packageDocumentation
 */
export { CheckpointError } from './checkpoint-error.js';
export { save } from './pt/save.js';
export { load, type LoadOptions } from './pt/load.js';
export { saveSafetensors, loadSafetensors, type SafetensorsContents } from './safetensors.js';
export { saveCheckpoint, loadCheckpoint, type CheckpointParts, type CheckpointTargets, type CheckpointRest } from './checkpoint.js';
// Like every layer, re-exports the one below (@torchlet/optim, and through it nn, autograd and
// the tensors), so a script that saves and loads models imports from here alone.
export * from '@torchlet/optim';
