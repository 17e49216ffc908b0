import { zeros } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Flatten, Unflatten } from './flatten.js';

describe('Flatten', () => {
  it('flattens all but the batch dim by default', () => {
    expect(new Flatten().call(zeros(5, 2, 4, 4)).shape).toEqual([5, 32]);
  });

  it('flattens the given range of dims', () => {
    expect(new Flatten(0, 1).call(zeros(5, 2, 4)).shape).toEqual([10, 4]);
    expect(new Flatten(-2).call(zeros(5, 2, 4)).shape).toEqual([5, 8]);
  });

  it('prints as PyTorch', () => {
    expect(new Flatten().toString()).toBe('Flatten(start_dim=1, end_dim=-1)');
  });

  it('throws on a fractional dim', () => {
    expect(() => new Flatten(0.5)).toThrow('Flatten: start_dim must be an integer, got 0.5');
  });
});

describe('Unflatten', () => {
  it('splits a dim into sizes, inferring a −1', () => {
    expect(new Unflatten(1, [2, 5]).call(zeros(3, 10)).shape).toEqual([3, 2, 5]);
    expect(new Unflatten(-1, [-1, 5]).call(zeros(3, 10)).shape).toEqual([3, 2, 5]);
  });

  it('prints as PyTorch', () => {
    expect(new Unflatten(1, [2, 5]).toString()).toBe('Unflatten(dim=1, unflattened_size=(2, 5))');
  });

  it('throws on a bad dim or sizes', () => {
    expect(() => new Unflatten(1.5, [2])).toThrow('Unflatten: dim must be an integer, got 1.5');
    expect(() => new Unflatten(1, [2, 0.5])).toThrow('Unflatten: unflattened_size must be tuple of ints, but found element of type number at pos 1');
    expect(() => new Unflatten(1, 4 as unknown as number[])).toThrow('Unflatten: unflattened_size must be a tuple of ints, got 4');
  });
});
