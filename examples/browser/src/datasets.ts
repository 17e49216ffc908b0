import { Generator } from '@torchlet/serialize';

/** The 2-D datasets the page offers. */
export const DATASETS = {
  moons: 'Two moons',
  circles: 'Circles',
  spirals: 'Spirals',
  xor: 'XOR',
} as const;

/** A key of {@link DATASETS}. */
export type DatasetName = keyof typeof DATASETS;

/** Each dataset's noise: enough that the classes touch, so a perfect score is out of reach. */
export const NOISE: Readonly<Record<DatasetName, number>> = { moons: 0.2, circles: 0.25, spirals: 0.12, xor: 0.2 };

/** Points in the plane with a 0/1 label each: `points` holds x0, y0, x1, y1, … */
export interface Dataset {
  points: Float32Array;
  labels: Int32Array;
  count: number;
}

/**
 * The plotted square is [-EXTENT, EXTENT]²: every dataset is scaled to fit it, and the decision
 * boundary is drawn over all of it.
 */
export const EXTENT = 2;

/**
 * `count` points of `name` with Gaussian noise of standard deviation `noise`, half of each class,
 * drawn from a `Generator(seed)` so that a seed gives the same points in every browser.
 */
export function makeDataset(name: DatasetName, count: number, noise: number, seed: number): Dataset {
  const generator = new Generator(seed);
  const points = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 2;
    const t = generator.nextFloat64();
    const [x, y] = SHAPES[name](label, t, generator);
    points[2 * i] = x + noise * generator.nextNormal();
    points[2 * i + 1] = y + noise * generator.nextNormal();
    labels[i] = label;
  }
  return { points, labels, count };
}

/** Each dataset's noiseless point of class `label` at parameter `t` ∈ [0, 1), inside the square. */
const SHAPES: Record<DatasetName, (label: number, t: number, generator: Generator) => [number, number]> = {
  // scikit-learn's make_moons, centred and scaled by 1.1.
  moons: (label, t) => {
    const angle = Math.PI * t;
    const [x, y] = label === 0 ? [Math.cos(angle), Math.sin(angle)] : [1 - Math.cos(angle), 0.5 - Math.sin(angle)];
    return [1.1 * (x - 0.5), 1.1 * (y - 0.25)];
  },
  circles: (label, t) => {
    const radius = label === 0 ? 0.6 : 1.5;
    return [radius * Math.cos(2 * Math.PI * t), radius * Math.sin(2 * Math.PI * t)];
  },
  // Two interleaved arms of one and a quarter turns each.
  spirals: (label, t) => {
    const angle = 2.5 * Math.PI * t + label * Math.PI;
    const radius = 0.15 + 1.6 * t;
    return [radius * Math.cos(angle), radius * Math.sin(angle)];
  },
  xor: (label, t, generator) => {
    const a = 0.2 + 1.5 * t;
    const b = (0.2 + 1.5 * generator.nextFloat64()) * (generator.nextFloat64() < 0.5 ? -1 : 1);
    // Class 0 in the quadrants where x·y > 0, class 1 where x·y < 0.
    return label === 0 ? [Math.sign(b) * a, b] : [-Math.sign(b) * a, b];
  },
};
