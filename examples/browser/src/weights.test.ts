import { CheckpointError, manualSeed, save } from '@torchlet/serialize';
import { describe, expect, it } from 'vitest';
import { makeClassifier } from './classifier.js';
import { decodeWeights, detectFormat, encodeWeights, fingerprint, parameterCount } from './weights.js';

describe('encodeWeights and decodeWeights', () => {
  for (const format of ['pt', 'safetensors'] as const) {
    it(`round-trips a state dict through ${format}, fingerprint and all`, () => {
      manualSeed(0);
      const model = makeClassifier(8);
      const bytes = encodeWeights(model.stateDict(), format);
      expect(detectFormat(bytes)).toBe(format);
      const decoded = decodeWeights(bytes);
      expect(decoded.format).toBe(format);
      // safetensors stores tensors sorted by name, so only the set of keys is kept.
      expect(Object.keys(decoded.stateDict).sort()).toEqual(Object.keys(model.stateDict()).sort());
      const other = makeClassifier(8);
      expect(fingerprint(other.stateDict())).not.toBe(fingerprint(model.stateDict()));
      other.loadStateDict(decoded.stateDict);
      expect(fingerprint(other.stateDict())).toBe(fingerprint(model.stateDict()));
    });
  }

  it('keeps safetensors metadata', () => {
    const bytes = encodeWeights(makeClassifier(2).stateDict(), 'safetensors', { model: 'mlp' });
    expect(decodeWeights(bytes).metadata).toEqual({ format: 'pt', model: 'mlp' });
  });

  it('refuses a .pt file that holds no state dict', () => {
    expect(() => decodeWeights(save([1, 2]), 'list.pt')).toThrow(CheckpointError);
    expect(() => decodeWeights(save([1, 2]), 'list.pt')).toThrow('list.pt holds no state dict');
  });
});

describe('parameterCount', () => {
  it('counts every value', () => {
    expect(parameterCount(makeClassifier(3).stateDict())).toBe(2 * 3 + 3 + 3 * 3 + 3 + 3 * 2 + 2);
  });
});
