/** Timing helpers: warm up, then time repeated runs and keep the median. */

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Options of {@link timeMedian}. */
export interface TimingOptions {
  /**
   * Untimed runs first, so the JIT has optimised the code (default 2). They stop early, after at
   * least one, once they add up to `budgetMs`: a run that slow is compiled by its end.
   */
  warmup?: number;
  /**
   * Warm-up also goes on until it has taken this many milliseconds (default 0), within
   * `budgetMs`: V8 first runs WebAssembly from its baseline compiler and swaps in optimised code
   * compiled in the background, so a fast kernel needs time, not just calls, to reach its steady
   * state (a 256×256 product measured 0.7 or 1.2 ms on two warm-up runs).
   */
  warmupMs?: number;
  /** Fewest timed runs (default 3). */
  minRuns?: number;
  /** Most timed runs (default 25). */
  maxRuns?: number;
  /** Timed runs stop once they add up to this many milliseconds and `minRuns` are done (default 1000). */
  budgetMs?: number;
}

/** The result of {@link timeMedian}: the median time of one run in ms and how many runs it took. */
export interface Timing {
  ms: number;
  runs: number;
}

/**
 * Times `run` after up to `warmup` untimed calls: as many runs as fit in `budgetMs` (between
 * `minRuns` and `maxRuns`), returning the median, which one slow run (a GC pause) does not move.
 */
export function timeMedian(run: () => void, options: TimingOptions = {}): Timing {
  const { warmup = 2, warmupMs = 0, minRuns = 3, maxRuns = 25, budgetMs = 1000 } = options;
  const warmupStart = performance.now();
  for (let i = 0; ; i++) {
    const elapsed = performance.now() - warmupStart;
    if (i > 0 && (elapsed >= budgetMs || (i >= warmup && elapsed >= warmupMs))) break;
    if (i === 0 && warmup === 0 && warmupMs === 0) break;
    run();
  }
  const times: number[] = [];
  let total = 0;
  while (times.length < maxRuns && (times.length < minRuns || total < budgetMs)) {
    const start = performance.now();
    run();
    const elapsed = performance.now() - start;
    times.push(elapsed);
    total += elapsed;
  }
  return { ms: median(times), runs: times.length };
}

/** GFLOP/s of an n×n by n×n matrix product (2n³ floating-point operations) that took `ms`. */
export function matmulGflops(n: number, ms: number): number {
  return (2 * n * n * n) / (ms * 1e6);
}
