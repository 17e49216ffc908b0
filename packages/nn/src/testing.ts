/**
 * Test helpers for code built on @torchlet/nn: the autograd layer's `gradcheck`, `assertClose`
 * and fixture readers, so packages above nn need not reach below it.
 * @packageDocumentation
 */
export * from '@torchlet/autograd/testing';
