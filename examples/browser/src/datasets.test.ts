import { describe, expect, it } from 'vitest';
import { DATASETS, type DatasetName, EXTENT, makeDataset } from './datasets.js';

describe('makeDataset', () => {
  for (const name of Object.keys(DATASETS) as DatasetName[]) {
    it(`draws ${name} with half of each class, the same for a seed`, () => {
      const data = makeDataset(name, 200, 0.1, 3);
      expect(data.points.length).toBe(400);
      expect(data.labels.reduce((sum, label) => sum + label, 0)).toBe(100);
      expect(makeDataset(name, 200, 0.1, 3).points).toEqual(data.points);
      expect(makeDataset(name, 200, 0.1, 4).points).not.toEqual(data.points);
    });

    it(`keeps noiseless ${name} inside the plotted square`, () => {
      const { points } = makeDataset(name, 500, 0, 0);
      expect(Math.max(...points.map(Math.abs))).toBeLessThan(EXTENT);
    });
  }
});
