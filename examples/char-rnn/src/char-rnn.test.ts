import { manualSeed } from '@torchlet/optim';
import { describe, expect, it } from 'vitest';
import { generate, loadCorpus, train, Vocabulary } from './char-rnn.js';

const text = loadCorpus();

describe('Vocabulary', () => {
  it('lists each character of the corpus once, sorted, and round-trips the text', () => {
    const vocabulary = new Vocabulary(text);
    expect(vocabulary.size).toBe(47);
    expect(vocabulary.characters.slice(0, 3)).toEqual(['\n', ' ', '!']);
    expect(vocabulary.decode(vocabulary.encode(text))).toBe(text);
  });

  it('refuses a character it has not seen', () => {
    expect(() => new Vocabulary('ab').encode('abc')).toThrow(/"c" is not in the vocabulary/);
  });
});

describe('train and generate, tiny', () => {
  manualSeed(0);
  const { model, vocabulary, losses } = train(text, { steps: 30, batchSize: 8, sequenceLength: 16, embeddingSize: 8, hiddenSize: 32, lr: 0.02 });

  it('starts near ln(vocabulary size), the loss of a uniform guess, and falls', () => {
    expect(losses).toHaveLength(30);
    expect(Math.abs(losses[0]! - Math.log(vocabulary.size))).toBeLessThan(0.2);
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.5);
  });

  it('generates the requested number of characters, all from the vocabulary', () => {
    const sample = generate(model, vocabulary, { prompt: 'Love', length: 50, seed: 1 });
    expect([...sample]).toHaveLength(50);
    for (const c of sample) expect(vocabulary.characters).toContain(c);
  });

  it('repeats itself for the same seed', () => {
    const options = { prompt: 'The ', length: 20, seed: 7 };
    expect(generate(model, vocabulary, options)).toBe(generate(model, vocabulary, options));
  });
});
