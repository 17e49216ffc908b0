import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/index.js';
import {
  DEFAULT_SEED,
  defaultGenerator,
  GENERATOR_STATE_LENGTH,
  Generator,
  getRngState,
  initialSeed,
  manualSeed,
  setRngState,
} from './generator.js';

afterEach(() => {
  manualSeed(DEFAULT_SEED);
});

function draws(generator: Generator, n: number, draw: (g: Generator) => number = (g) => g.nextUint32()): number[] {
  return Array.from({ length: n }, () => draw(generator));
}

describe('Generator', () => {
  it('produces the reference MT19937 stream (C++ std::mt19937 with seed 5489)', () => {
    const generator = new Generator(5489);
    expect(draws(generator, 5)).toEqual([3499211612, 581869302, 3890346734, 3586334585, 545404204]);
    for (let i = 5; i < 9999; i++) generator.nextUint32();
    // The C++ standard requires the 10000th value of a default-constructed mt19937 to be this.
    expect(generator.nextUint32()).toBe(4123659995);
  });

  it('turns one word into a float32 uniform as PyTorch does (torch.manual_seed(0); torch.rand(5))', () => {
    const generator = new Generator(0);
    expect(draws(generator, 5, (g) => Math.fround(g.nextFloat32()))).toEqual([
      0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688, 0.30742281675338745,
    ]);
  });

  it('turns two words into a float64 uniform as PyTorch does (torch.rand(5, dtype=torch.float64))', () => {
    const generator = new Generator(0);
    expect(draws(generator, 5, (g) => g.nextFloat64())).toEqual([
      0.9700530018065531, 0.707819864399788, 0.45938294312745087, 0.9207476841219603, 0.6450241201227648,
    ]);
  });

  it('keeps uniforms in [0, 1)', () => {
    const generator = new Generator(1);
    for (let i = 0; i < 10000; i++) {
      const u = generator.nextFloat32();
      const v = generator.nextFloat64();
      expect(u >= 0 && u < 1 && v >= 0 && v < 1).toBe(true);
    }
  });

  it('starts from PyTorch default seed, like a fresh torch.Generator()', () => {
    const generator = new Generator();
    expect(generator.initialSeed()).toBe(67280421310721);
    expect(draws(generator, 3, (g) => Math.fround(g.nextFloat32()))).toEqual([0.267295241355896, 0.8725283145904541, 0.3352888226509094]);
  });

  it('returns the cosine branch of Box–Muller and caches the sine branch for the next call', () => {
    const generator = new Generator(0);
    // torch.manual_seed(0); torch.randn(2, dtype=torch.float64)
    expect(generator.nextNormal()).toBeCloseTo(1.5409961082440433, 14);
    expect(generator.nextNormal()).toBeCloseTo(-0.2934289057609464, 14);
    const replay = new Generator(0);
    replay.nextFloat64();
    replay.nextFloat64();
    // Two normals consumed exactly two float64 uniforms.
    expect(generator.nextUint32()).toBe(replay.nextUint32());
  });
});

describe('Generator.manualSeed', () => {
  it('restarts the stream', () => {
    const generator = new Generator(7);
    const first = draws(generator, 4);
    generator.nextNormal();
    expect(draws(generator.manualSeed(7), 4)).toEqual(first);
  });

  it('clears the cached normal sample', () => {
    const generator = new Generator(3);
    const expected = generator.nextNormal();
    generator.manualSeed(3).nextNormal();
    expect(generator.manualSeed(3).nextNormal()).toBe(expected);
  });

  it('wraps negative seeds to unsigned 64 bits as PyTorch does (torch.manual_seed(-1))', () => {
    const generator = new Generator(-1);
    expect(draws(generator, 3, (g) => Math.fround(g.nextFloat32()))).toEqual([0.9937993884086609, 0.5713063478469849, 0.5700080394744873]);
    expect(generator.initialSeed()).toBe(2 ** 64 - 1);
    expect(draws(new Generator(2n ** 64n - 1n), 3)).toEqual(draws(new Generator(-1), 3));
  });

  it('uses the low 32 bits for the state and keeps the full seed (torch.manual_seed(2**40 + 7))', () => {
    const generator = new Generator(2 ** 40 + 7);
    expect(generator.initialSeed()).toBe(1099511627783);
    expect(draws(generator, 3, (g) => Math.fround(g.nextFloat32()))).toEqual([0.5349225401878357, 0.19880318641662598, 0.6592116951942444]);
  });

  it('rejects seeds that are not integers in [-2^63, 2^64)', () => {
    expect(() => new Generator(1.5)).toThrow(InvalidArgumentError);
    expect(() => new Generator(1.5)).toThrow('manualSeed: seed must be a safe integer (or a bigint), got 1.5');
    expect(() => new Generator(2 ** 60)).toThrow(/safe integer/);
    expect(() => new Generator(2n ** 64n)).toThrow('manualSeed: seed must lie in [-2^63, 2^64), got 18446744073709551616');
    expect(() => new Generator(-(2n ** 63n) - 1n)).toThrow(/must lie in/);
  });
});

describe('Generator.getState/setState', () => {
  it('replays the stream from a saved state', () => {
    const generator = new Generator(11);
    draws(generator, 700); // past one twist of the 624 words
    const state = generator.getState();
    const expected = draws(generator, 1000);
    expect(draws(generator.setState(state), 1000)).toEqual(expected);
  });

  it('carries the cached normal sample and the seed', () => {
    const generator = new Generator(12);
    generator.nextNormal();
    const state = generator.getState();
    const expected = [generator.nextNormal(), generator.nextNormal()];
    const other = new Generator(99).setState(state);
    expect([other.nextNormal(), other.nextNormal()]).toEqual(expected);
    expect(other.initialSeed()).toBe(12);
  });

  it('survives a JSON round trip as a plain array', () => {
    const generator = new Generator(13);
    draws(generator, 10);
    const json = JSON.stringify(Array.from(generator.getState()));
    const expected = draws(generator, 5);
    expect(draws(new Generator().setState(JSON.parse(json) as number[]), 5)).toEqual(expected);
  });

  it('returns a copy that later draws do not change', () => {
    const generator = new Generator(14);
    const state = generator.getState();
    const copy = state.slice();
    draws(generator, 1000);
    expect(state).toEqual(copy);
    expect(state.length).toBe(GENERATOR_STATE_LENGTH);
  });

  it('rejects malformed states', () => {
    const generator = new Generator(15);
    const good = Array.from(generator.getState());
    expect(() => generator.setState(good.slice(1))).toThrow(`Generator.setState: expected a state of ${GENERATOR_STATE_LENGTH} words, got ${GENERATOR_STATE_LENGTH - 1}`);
    expect(() => generator.setState(good.map((w, i) => (i === 3 ? -1 : w)))).toThrow('Generator.setState: word 3 must be an unsigned 32-bit integer, got -1');
    expect(() => generator.setState(good.map((w, i) => (i === 624 ? 625 : w)))).toThrow('Generator.setState: position 625 is out of range [0, 624]');
    expect(() => generator.setState(good.map((w, i) => (i === 627 ? 2 : w)))).toThrow('Generator.setState: normal-cache flag must be 0 or 1, got 2');
    expect(() => generator.setState([])).toThrow(InvalidArgumentError);
  });
});

describe('manualSeed', () => {
  it('seeds and returns the default generator', () => {
    expect(manualSeed(0)).toBe(defaultGenerator);
    expect(initialSeed()).toBe(0);
    expect(Math.fround(defaultGenerator.nextFloat32())).toBe(0.49625658988952637);
  });
});

describe('getRngState/setRngState', () => {
  it('saves and restores the default generator', () => {
    manualSeed(21);
    const state = getRngState();
    const expected = draws(defaultGenerator, 3);
    setRngState(state);
    expect(draws(defaultGenerator, 3)).toEqual(expected);
  });
});
