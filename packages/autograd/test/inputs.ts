import { Generator, randn, type Tensor } from '../src/index.js';

/** Seeded float64 leaves that require grad, for gradcheck tests. */
export interface Inputs {
  /** Standard normal samples of `shape`. */
  randn(...shape: number[]): Tensor;
  /** Samples of `shape` with |x| ≥ 0.2, away from the kinks of abs, relu, sign, norms, … */
  awayFromZero(...shape: number[]): Tensor;
  /** Samples of `shape` in [0.5, ∞), inside the domain of log, sqrt, reciprocal, … */
  positive(...shape: number[]): Tensor;
  /** A `rows`×`cols` leaf whose strides are transposed (a non-contiguous input). */
  transposed(rows: number, cols: number): Tensor;
  /** A `rows`×`cols` leaf taking every other column of a wider tensor (non-contiguous, offset 1). */
  strided(rows: number, cols: number): Tensor;
}

/** Inputs drawn from `new Generator(seed)`, so each test sees the same values on every run. */
export function seededInputs(seed: number): Inputs {
  const generator = new Generator(seed);
  const sample = (shape: readonly number[]) => randn([...shape], { dtype: 'float64', generator });
  const leaf = (x: Tensor) => x.detach().requiresGrad_();
  return {
    randn: (...shape) => leaf(sample(shape)),
    awayFromZero: (...shape) => {
      const x = sample(shape);
      return leaf(x.add(x.sign().mul(0.2)));
    },
    positive: (...shape) => leaf(sample(shape).abs().add(0.5)),
    transposed: (rows, cols) => leaf(sample([cols, rows]).t()),
    strided: (rows, cols) => leaf(sample([rows, 2 * cols + 1]).slice(1, 1, null, 2)),
  };
}
