/**
 * Test helpers for code built on @torchlet/optim (re-exported from the layers below).
 * @packageDocumentation
 */
export * from '@torchlet/nn/testing';
