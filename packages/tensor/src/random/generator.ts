import { InvalidArgumentError } from '../errors/index.js';

/**
 * The seed of a fresh {@link Generator} and of {@link defaultGenerator}: PyTorch's
 * `default_rng_seed_val`, so `new Generator()` draws what a fresh `torch.Generator()` draws.
 * (PyTorch seeds its own default generator nondeterministically; torchlet never does, so a program
 * that never calls {@link manualSeed} still runs the same way every time.)
 */
export const DEFAULT_SEED = 67280421310721;

const STATE_SIZE = 624;
const SHIFT_SIZE = 397;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;
const MATRIX_A = 0x9908b0df;
const TWO_POW_32 = 4294967296;
const TWO_POW_MINUS_24 = 2 ** -24;
const TWO_POW_MINUS_53 = 2 ** -53;

/** Layout of {@link Generator.getState}: the Mersenne Twister words, then bookkeeping words. */
const INDEX_SLOT = STATE_SIZE;
const SEED_LOW_SLOT = STATE_SIZE + 1;
const SEED_HIGH_SLOT = STATE_SIZE + 2;
const HAS_NORMAL_SLOT = STATE_SIZE + 3;
const NORMAL_LOW_SLOT = STATE_SIZE + 4;
const NORMAL_HIGH_SLOT = STATE_SIZE + 5;
/** Length of the array {@link Generator.getState} returns. */
export const GENERATOR_STATE_LENGTH = STATE_SIZE + 6;

// Scratch views to move a float64 in and out of two uint32 state words.
const bitsFloat = new Float64Array(1);
const bitsWords = new Uint32Array(bitsFloat.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const lowWord = littleEndian ? 0 : 1;
const highWord = 1 - lowWord;

/**
 * A seeded pseudo-random number generator, PyTorch's CPU `torch.Generator`: a 32-bit Mersenne
 * Twister (MT19937) seeded exactly as `torch.manual_seed` seeds it, so the same seed gives the
 * same stream of words as PyTorch on every platform. The random ops turn those words into
 * numbers the way PyTorch's CPU kernels do.
 *
 * @example
 * ```ts
 * const generator = new Generator().manualSeed(0);
 * rand(3, { generator }); // tensor([0.4963, 0.7682, 0.0885]), as torch.rand(3) after torch.manual_seed(0)
 * ```
 */
export class Generator {
  private readonly words = new Uint32Array(STATE_SIZE);
  private index = STATE_SIZE;
  private seedLow = 0;
  private seedHigh = 0;
  /** The second value of the last Box–Muller pair, as PyTorch's `next_double_normal_sample`. */
  private cachedNormal: number | undefined;

  /** A generator seeded with `seed` (default {@link DEFAULT_SEED}). */
  constructor(seed: number | bigint = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  /**
   * Reseeds the generator, as `Generator.manual_seed`. Seeds are 64-bit like PyTorch's: negative
   * seeds wrap to unsigned, and only the low 32 bits reach the Mersenne Twister. Returns `this`.
   */
  manualSeed(seed: number | bigint): this {
    const unsigned = toUnsigned64(seed);
    this.seedLow = Number(unsigned & 0xffffffffn);
    this.seedHigh = Number(unsigned >> 32n);
    const words = this.words;
    words[0] = this.seedLow;
    for (let i = 1; i < STATE_SIZE; i++) {
      const previous = words[i - 1]! ^ (words[i - 1]! >>> 30);
      words[i] = (Math.imul(1812433253, previous) + i) >>> 0;
    }
    this.index = STATE_SIZE;
    this.cachedNormal = undefined;
    return this;
  }

  /**
   * The seed last given to {@link manualSeed}, as an unsigned 64-bit value (a number: exact below
   * 2^53, which covers every seed written as a JavaScript number).
   */
  initialSeed(): number {
    return this.seedHigh * TWO_POW_32 + this.seedLow;
  }

  /**
   * A copy of the full state: the 624 Mersenne Twister words, the position in them, the seed and
   * the cached normal sample. Pass it to {@link setState} (of this or another generator) to replay
   * the stream; `Array.from(state)` makes it JSON-serialisable.
   */
  getState(): Uint32Array {
    const state = new Uint32Array(GENERATOR_STATE_LENGTH);
    state.set(this.words);
    state[INDEX_SLOT] = this.index;
    state[SEED_LOW_SLOT] = this.seedLow;
    state[SEED_HIGH_SLOT] = this.seedHigh;
    if (this.cachedNormal !== undefined) {
      state[HAS_NORMAL_SLOT] = 1;
      bitsFloat[0] = this.cachedNormal;
      state[NORMAL_LOW_SLOT] = bitsWords[lowWord]!;
      state[NORMAL_HIGH_SLOT] = bitsWords[highWord]!;
    }
    return state;
  }

  /** Restores a state from {@link getState} (a Uint32Array or a plain array of its words). Returns `this`. */
  setState(state: Uint32Array | readonly number[]): this {
    if (state.length !== GENERATOR_STATE_LENGTH) {
      throw new InvalidArgumentError(`Generator.setState: expected a state of ${GENERATOR_STATE_LENGTH} words, got ${state.length}`);
    }
    for (let i = 0; i < state.length; i++) {
      const word = state[i]!;
      if (!Number.isInteger(word) || word < 0 || word >= TWO_POW_32) {
        throw new InvalidArgumentError(`Generator.setState: word ${i} must be an unsigned 32-bit integer, got ${word}`);
      }
    }
    const index = state[INDEX_SLOT]!;
    if (index > STATE_SIZE) {
      throw new InvalidArgumentError(`Generator.setState: position ${index} is out of range [0, ${STATE_SIZE}]`);
    }
    const hasNormal = state[HAS_NORMAL_SLOT]!;
    if (hasNormal > 1) {
      throw new InvalidArgumentError(`Generator.setState: normal-cache flag must be 0 or 1, got ${hasNormal}`);
    }
    for (let i = 0; i < STATE_SIZE; i++) this.words[i] = state[i]!;
    this.index = index;
    this.seedLow = state[SEED_LOW_SLOT]!;
    this.seedHigh = state[SEED_HIGH_SLOT]!;
    if (hasNormal === 1) {
      bitsWords[lowWord] = state[NORMAL_LOW_SLOT]!;
      bitsWords[highWord] = state[NORMAL_HIGH_SLOT]!;
      this.cachedNormal = bitsFloat[0]!;
    } else {
      this.cachedNormal = undefined;
    }
    return this;
  }

  /** The next 32-bit word of the stream, as an unsigned integer (PyTorch's `random()`). */
  nextUint32(): number {
    if (this.index >= STATE_SIZE) this.twist();
    let y = this.words[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * A uniform float32 in [0, 1) from one word: its low 24 bits times 2^-24, as PyTorch's
   * `uniform_real_distribution<float>`.
   */
  nextFloat32(): number {
    return (this.nextUint32() & 0xffffff) * TWO_POW_MINUS_24;
  }

  /**
   * A uniform float64 in [0, 1) from two words (the first is the high half of PyTorch's
   * `random64()`): the low 53 bits times 2^-53, as `uniform_real_distribution<double>`.
   */
  nextFloat64(): number {
    const high = this.nextUint32() & 0x1fffff;
    const low = this.nextUint32();
    return (high * TWO_POW_32 + low) * TWO_POW_MINUS_53;
  }

  /**
   * A standard normal float64 by Box–Muller on two {@link nextFloat64} draws, returning the cosine
   * branch and caching the sine branch for the next call, as PyTorch's
   * `normal_distribution<double>` does on the CPU generator.
   */
  nextNormal(): number {
    const cached = this.cachedNormal;
    if (cached !== undefined) {
      this.cachedNormal = undefined;
      return cached;
    }
    const u1 = this.nextFloat64();
    const u2 = this.nextFloat64();
    const radius = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = radius * Math.sin(theta);
    return radius * Math.cos(theta);
  }

  /** Regenerates the 624 words (the Mersenne Twister recurrence). */
  private twist(): void {
    const words = this.words;
    let i = 0;
    for (; i < STATE_SIZE - SHIFT_SIZE; i++) {
      const y = (words[i]! & UPPER_MASK) | (words[i + 1]! & LOWER_MASK);
      words[i] = words[i + SHIFT_SIZE]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; i < STATE_SIZE - 1; i++) {
      const y = (words[i]! & UPPER_MASK) | (words[i + 1]! & LOWER_MASK);
      words[i] = words[i + SHIFT_SIZE - STATE_SIZE]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (words[STATE_SIZE - 1]! & UPPER_MASK) | (words[0]! & LOWER_MASK);
    words[STATE_SIZE - 1] = words[SHIFT_SIZE - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }
}

function toUnsigned64(seed: number | bigint): bigint {
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(`manualSeed: seed must be a safe integer (or a bigint), got ${seed}`);
  }
  const value = BigInt(seed);
  if (value < -(1n << 63n) || value >= 1n << 64n) {
    throw new InvalidArgumentError(`manualSeed: seed must lie in [-2^63, 2^64), got ${value}`);
  }
  return BigInt.asUintN(64, value);
}

/**
 * The generator random ops use when none is passed (PyTorch's default CPU generator). It starts
 * from {@link DEFAULT_SEED}; reseed it with {@link manualSeed}.
 */
export const defaultGenerator: Generator = new Generator();

/**
 * Seeds the default generator, as `torch.manual_seed`, and returns it.
 *
 * @example
 * ```ts
 * manualSeed(0);
 * randn(2); // tensor([ 1.5410, -0.2934]), as in PyTorch
 * ```
 */
export function manualSeed(seed: number | bigint): Generator {
  return defaultGenerator.manualSeed(seed);
}

/** The seed of the default generator (`torch.initial_seed`). */
export function initialSeed(): number {
  return defaultGenerator.initialSeed();
}

/** A copy of the default generator's state (`torch.get_rng_state`). */
export function getRngState(): Uint32Array {
  return defaultGenerator.getState();
}

/** Restores the default generator's state (`torch.set_rng_state`). */
export function setRngState(state: Uint32Array | readonly number[]): void {
  defaultGenerator.setState(state);
}
