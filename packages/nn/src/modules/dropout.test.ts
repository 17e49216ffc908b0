import { manualSeed, ones, randn } from '@torchlet/autograd';
import { describe, expect, it } from 'vitest';
import { Dropout, Dropout2d } from './dropout.js';

describe('Dropout', () => {
  it('zeroes and rescales in training exactly as PyTorch after manualSeed(0)', () => {
    manualSeed(0);
    expect(new Dropout().call(ones(12)).tolist()).toEqual([0, 0, 2, 0, 0, 0, 2, 2, 0, 2, 2, 2]);
  });

  it('is the identity in eval mode', () => {
    const x = randn(4, 5);
    expect(new Dropout(0.9).eval().call(x)).toBe(x);
  });

  it('switches back to dropping with train()', () => {
    const drop = new Dropout(0.5).eval();
    drop.train();
    manualSeed(0);
    expect(drop.call(ones(12)).tolist()).toEqual([0, 0, 2, 0, 0, 0, 2, 2, 0, 2, 2, 2]);
  });

  it('prints as PyTorch', () => {
    expect(new Dropout().toString()).toBe('Dropout(p=0.5, inplace=False)');
    expect(new Dropout(0).toString()).toBe('Dropout(p=0.0, inplace=False)');
  });

  it('throws on a probability outside [0, 1]', () => {
    expect(() => new Dropout(1.5)).toThrow('Dropout: dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => new Dropout(Number.NaN)).toThrow('Dropout: dropout probability has to be between 0 and 1, but got NaN');
  });
});

describe('Dropout2d', () => {
  it('zeroes whole channels in training, as PyTorch after manualSeed(0)', () => {
    manualSeed(0);
    const y = new Dropout2d().call(ones(2, 3, 2, 2));
    expect(y.amax([2, 3]).tolist()).toEqual([[0, 0, 2], [0, 0, 0]]);
    expect(y.amin([2, 3]).tolist()).toEqual([[0, 0, 2], [0, 0, 0]]);
  });

  it('is the identity in eval mode', () => {
    const x = randn(2, 3, 4, 4);
    expect(new Dropout2d(0.2).eval().call(x)).toBe(x);
  });

  it('prints as PyTorch', () => {
    expect(new Dropout2d(0.2).toString()).toBe('Dropout2d(p=0.2, inplace=False)');
  });

  it('throws on a probability outside [0, 1]', () => {
    expect(() => new Dropout2d(-0.5)).toThrow('Dropout2d: dropout probability has to be between 0 and 1, but got -0.5');
  });
});
