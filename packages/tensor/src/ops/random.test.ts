import { afterEach, describe, expect, it } from 'vitest';
import { DTypeError, InvalidArgumentError, ShapeError } from '../errors/index.js';
import { DEFAULT_SEED, defaultGenerator, Generator, manualSeed } from '../random/generator.js';
import { Tensor } from '../tensor.js';
import { assertClose } from '../testing.js';
import { full, linspace, tensor, zeros } from './creation.js';
import {
  bernoulli,
  bernoulli_,
  normal,
  normal_,
  rand,
  randint,
  randLike,
  randn,
  randnLike,
  randperm,
  uniform_,
} from './random.js';

// Reference values come from PyTorch 1.13 on x86-64 (Debian's build, AVX2 kernels), e.g.
// `torch.manual_seed(0); torch.rand(5).tolist()`. Long outputs are compared through an FNV-1a hash
// of their bits: `np.frombuffer(t.numpy().tobytes(), np.uint32)` folded with FNV-1a.

afterEach(() => {
  manualSeed(DEFAULT_SEED);
});

/** FNV-1a over the 32-bit words of a float tensor's values (little-endian, as numpy's view). */
function bitsHash(x: Tensor): number {
  const values = x.toTypedArray();
  const words = new Uint32Array(values.buffer, values.byteOffset, values.byteLength / 4);
  let hash = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) hash = Math.imul(hash ^ words[i]!, 0x01000193) >>> 0;
  return hash;
}

/** A strided view built by hand, so these tests do not depend on the view ops. */
function view(base: Tensor, shape: number[], strides: number[], offset = 0): Tensor {
  return new Tensor(base.storage, shape, strides, offset, base.dtype);
}

function values(x: Tensor): number[] {
  return Array.from(x.toTypedArray());
}

function meanAndVariance(x: Tensor): [number, number] {
  const data = x.toTypedArray();
  let sum = 0;
  for (const v of data) sum += v;
  const mean = sum / data.length;
  let squares = 0;
  for (const v of data) squares += (v - mean) ** 2;
  return [mean, squares / (data.length - 1)];
}

describe('rand', () => {
  it('matches torch.rand after torch.manual_seed(0)', () => {
    manualSeed(0);
    const x = rand(5);
    expect(x.dtype).toBe('float32');
    expect(values(x)).toEqual([0.49625658988952637, 0.7682217955589294, 0.08847743272781372, 0.13203048706054688, 0.30742281675338745]);
  });

  it('matches torch.rand for float64', () => {
    manualSeed(0);
    expect(values(rand(5, { dtype: 'float64' }))).toEqual([0.9700530018065531, 0.707819864399788, 0.45938294312745087, 0.9207476841219603, 0.6450241201227648]);
    manualSeed(4);
    expect(bitsHash(rand([1000], { dtype: 'float64' }))).toBe(3837576862);
  });

  it('accepts varargs and array sizes alike', () => {
    manualSeed(4);
    const x = rand(7, 11, 13);
    expect(x.shape).toEqual([7, 11, 13]);
    expect(bitsHash(x)).toBe(767261541);
    manualSeed(4);
    expect(bitsHash(rand([7, 11, 13]))).toBe(767261541);
  });

  it('has mean 1/2 and variance 1/12 on a large sample', () => {
    manualSeed(1);
    const x = rand(100000);
    const [mean, variance] = meanAndVariance(x);
    // Standard errors: sqrt(1/12/n) ≈ 9.1e-4 for the mean, sqrt((1/80 - 1/144)/n) ≈ 2.4e-4 for the variance.
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * 9.1e-4);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * 2.4e-4);
    expect(values(x).every((v) => v >= 0 && v < 1)).toBe(true);
  });

  it('repeats with the same seed and differs with another', () => {
    manualSeed(5);
    const a = values(rand(10));
    manualSeed(5);
    expect(values(rand(10))).toEqual(a);
    manualSeed(6);
    expect(values(rand(10))).not.toEqual(a);
  });

  it('draws from a given generator without touching the default one', () => {
    manualSeed(0);
    const generator = new Generator(0);
    const fromGenerator = values(rand(3, { generator }));
    const fromDefault = values(rand(3));
    expect(fromGenerator).toEqual(fromDefault);
    expect(values(rand(3, { generator }))).toEqual(values(rand(3)));
  });

  it('rejects integer dtypes and bad sizes', () => {
    expect(() => rand(2, { dtype: 'int64' })).toThrow(DTypeError);
    expect(() => rand(2, { dtype: 'int64' })).toThrow('rand: dtype must be floating point, got int64');
    expect(() => rand(-1)).toThrow(ShapeError);
  });
});

describe('randn', () => {
  it('matches torch.randn below 16 elements (one Box–Muller pair per two elements)', () => {
    manualSeed(0);
    expect(values(randn(5))).toEqual([1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427]);
  });

  it('matches torch.randn(4, 4), the vectorised path for 16+ float32 elements', () => {
    manualSeed(0);
    expect(values(randn(4, 4))).toEqual([
      -1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383, 0.8487103581428528, 0.6920091509819031,
      -0.31601276993751526, -2.1152193546295166, 0.32227492332458496, -1.2633347511291504, 0.34998318552970886, 0.30813392996788025,
      0.11984150856733322, 1.237657904624939, 1.1167771816253662, -0.2472781538963318,
    ]);
  });

  it('matches torch.randn(20), which redraws the last 16 elements', () => {
    manualSeed(0);
    expect(values(randn(20))).toEqual([
      -1.1258398294448853, -1.152360200881958, -0.2505785822868347, -0.4338788092136383, 0.5988394618034363, -1.5550950765609741,
      -0.3413603901863098, 1.85300612449646, 0.46809640526771545, -0.1577124446630478, 1.4436601400375366, 0.26604941487312317,
      1.3893661499023438, 1.586334228515625, 0.946298360824585, -0.843676745891571, 0.9318265914916992, 1.2590092420578003,
      2.0049805641174316, 0.05373690277338028,
    ]);
  });

  it('matches torch.randn bit for bit on long float32 outputs', () => {
    manualSeed(0);
    expect(bitsHash(randn(1000))).toBe(683829051);
    manualSeed(1);
    expect(bitsHash(randn(10007))).toBe(2351675968);
    manualSeed(42);
    expect(bitsHash(randn(37))).toBe(3744823412);
  });

  it('matches torch.randn for float64 to the last bit or two (libm differs from glibc)', () => {
    manualSeed(0);
    assertClose(randn(5, { dtype: 'float64' }), tensor([1.5409961082440433, -0.2934289057609464, -2.1787893820745574, 0.5684312772806678, -1.084522342424021], { dtype: 'float64' }), { rtol: 1e-15, atol: 0 });
    manualSeed(0);
    const expected = [
      -2.310411800234176, -0.3732508612577643, -1.0608166785462863, 0.9995093547811761, -0.8840250045832653, -1.2755469302148053,
      -0.623224579866079, -0.8664416019125772, -1.2956271403277857, 1.52363162310635, 0.3236605664983738, 2.0177260314861085,
      1.1357423400213507, -1.226881339001083, 0.07138847120511693, 0.3380174030507378,
    ];
    assertClose(randn(16, { dtype: 'float64' }), tensor(expected, { dtype: 'float64' }), { rtol: 1e-15, atol: 0 });
  });

  it('shares the cached normal between calls as PyTorch does', () => {
    manualSeed(5);
    const a = randn(3, { dtype: 'float64' });
    const b = randn(3);
    const c = randn(2, { dtype: 'float64' });
    const d = rand(2);
    assertClose(a, tensor([-0.48678075071242677, -0.6038215878840039, -0.5580962308236769], { dtype: 'float64' }), { rtol: 1e-15, atol: 0 });
    expect(values(b)).toEqual([0.6675242781639099, -0.19741509854793549, 1.9427834749221802]);
    assertClose(c, tensor([-1.4017020125953694, -0.7625571360284942], { dtype: 'float64' }), { rtol: 1e-15, atol: 0 });
    expect(values(d)).toEqual([0.9809269309043884, 0.6501586437225342]);
  });

  it('has mean 0 and variance 1 on a large sample', () => {
    manualSeed(2);
    for (const dtype of ['float32', 'float64'] as const) {
      const [mean, variance] = meanAndVariance(randn(100000, { dtype }));
      // Standard errors: 1/sqrt(n) ≈ 3.2e-3 for the mean, sqrt(2/n) ≈ 4.5e-3 for the variance.
      expect(Math.abs(mean)).toBeLessThan(4 * 3.2e-3);
      expect(Math.abs(variance - 1)).toBeLessThan(4 * 4.5e-3);
    }
  });

  it('rejects integer dtypes', () => {
    expect(() => randn(2, { dtype: 'int32' })).toThrow('randn: dtype must be floating point, got int32');
  });
});

describe('normal', () => {
  it('matches torch.normal(0.3, 2.7, size), fused multiply-add included', () => {
    manualSeed(3);
    expect(values(normal(0.3, 2.7, [5]))).toEqual([2.4688453674316406, 0.772050142288208, 0.5402408838272095, -1.3570386171340942, 0.42469263076782227]);
    manualSeed(3);
    expect(bitsHash(normal(0.3, 2.7, [1000]))).toBe(4119103814);
  });

  it('has the requested mean and standard deviation', () => {
    manualSeed(3);
    const [mean, variance] = meanAndVariance(normal(3, 2, [100000], { dtype: 'float64' }));
    expect(Math.abs(mean - 3)).toBeLessThan(4 * (2 / Math.sqrt(100000)));
    expect(Math.abs(variance - 4)).toBeLessThan(4 * 4 * Math.sqrt(2 / 100000));
  });

  it('gives the mean everywhere when std is 0', () => {
    expect(values(normal(1.5, 0, [20]))).toEqual(new Array(20).fill(1.5));
  });

  it('rejects a negative std and non-finite arguments', () => {
    expect(() => normal(0, -1, [2])).toThrow(InvalidArgumentError);
    expect(() => normal(0, -1, [2])).toThrow('normal: std must be non-negative, got -1');
    expect(() => normal(0, NaN, [2])).toThrow('normal: std must be non-negative, got NaN');
    expect(() => normal(Infinity, 1, [2])).toThrow('normal: mean must be finite, got Infinity');
    expect(() => normal(0, 1, [2], { dtype: 'bool' })).toThrow('normal: dtype must be floating point, got bool');
  });
});

describe('randLike/randnLike', () => {
  it('take the shape and dtype of the input', () => {
    const x = zeros(2, 3, { dtype: 'float64' });
    expect(randLike(x).shape).toEqual([2, 3]);
    expect(randLike(x).dtype).toBe('float64');
    expect(randnLike(x, { dtype: 'float32' }).dtype).toBe('float32');
  });

  it('draw the same numbers as rand/randn', () => {
    manualSeed(0);
    const a = values(randnLike(zeros(4, 4)));
    manualSeed(0);
    expect(values(randn(4, 4))).toEqual(a);
  });

  it('reject integer inputs unless given a float dtype', () => {
    expect(() => randLike(zeros(2, { dtype: 'int64' }))).toThrow(DTypeError);
    expect(randLike(zeros(2, { dtype: 'int64' }), { dtype: 'float32' }).dtype).toBe('float32');
  });
});

describe('randint', () => {
  it('matches torch.randint(0, 10, (10,)) after torch.manual_seed(0)', () => {
    manualSeed(0);
    const x = randint(0, 10, [10]);
    expect(x.dtype).toBe('int64');
    expect(values(x)).toEqual([4, 9, 3, 0, 3, 9, 7, 3, 7, 3]);
  });

  it('matches torch.randint with a negative low and with high only', () => {
    manualSeed(6);
    expect(values(randint(-5, 5, [12]))).toEqual([-5, -4, -2, -3, -1, 2, 2, 1, -1, 3, 2, 4]);
    manualSeed(6);
    expect(values(randint(7, [12]))).toEqual([2, 0, 6, 4, 4, 0, 6, 4, 5, 6, 1, 2]);
  });

  it('draws 64 bits for ranges of 2^32 and more, as PyTorch does', () => {
    manualSeed(6);
    expect(values(randint(0, 2 ** 40, [5]))).toEqual([596774865609, 975856969684, 455542504813, 340892024170, 347828050238]);
  });

  it('gives each value equally often', () => {
    manualSeed(7);
    const x = randint(0, 10, [100000], { dtype: 'int32' });
    expect(x.dtype).toBe('int32');
    const counts = new Array<number>(10).fill(0);
    for (const v of x.toTypedArray()) counts[v]!++;
    // Each count is binomial(n, 0.1): standard deviation sqrt(n · 0.1 · 0.9) ≈ 95.
    for (const count of counts) expect(Math.abs(count - 10000)).toBeLessThan(4 * 95);
  });

  it('rejects an empty range, fractions, ranges the dtype cannot hold and a missing size', () => {
    expect(() => randint(5, 3, [2])).toThrow(InvalidArgumentError);
    expect(() => randint(5, 3, [2])).toThrow('randint: low 5 must be less than high 3');
    expect(() => randint(0, [2])).toThrow('randint: low 0 must be less than high 0');
    expect(() => randint(0.5, 3, [2])).toThrow('randint: low must be an integer, got 0.5');
    expect(() => randint(0, 300, [2], { dtype: 'uint8' })).toThrow('randint: range [0, 300) does not fit dtype uint8 ([0, 255])');
    expect(() => (randint as (...args: unknown[]) => Tensor)(0, 3)).toThrow('randint: size must be an array of sizes, got undefined');
  });
});

describe('randperm', () => {
  it('matches torch.randperm(10) after torch.manual_seed(0)', () => {
    manualSeed(0);
    const x = randperm(10);
    expect(x.dtype).toBe('int64');
    expect(values(x)).toEqual([4, 1, 7, 5, 3, 9, 0, 8, 6, 2]);
  });

  it('matches torch.randperm(1000)', () => {
    manualSeed(7);
    const x = randperm(1000);
    expect(values(x).slice(0, 10)).toEqual([615, 284, 599, 580, 347, 92, 383, 891, 452, 41]);
    expect(bitsHash(x)).toBe(4246772741);
  });

  it('is a permutation', () => {
    const x = values(randperm(5000, { generator: new Generator(3) }));
    expect([...x].sort((a, b) => a - b)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('handles 0 and 1', () => {
    expect(randperm(0).shape).toEqual([0]);
    expect(values(randperm(1))).toEqual([0]);
  });

  it('rejects negative, fractional and too-large n', () => {
    expect(() => randperm(-1)).toThrow('randperm: n must be a non-negative integer, got -1');
    expect(() => randperm(2.5)).toThrow(InvalidArgumentError);
    expect(() => randperm(300, { dtype: 'uint8' })).toThrow('randperm: n 300 is too large for dtype uint8');
  });
});

describe('bernoulli', () => {
  it('matches torch.bernoulli on float32 and float64 probabilities', () => {
    manualSeed(8);
    const x = bernoulli(linspace(0, 1, 100));
    expect(x.dtype).toBe('float32');
    expect(values(x).join('')).toBe('0000000100000110000110100100001010100010000100001000001111111111111011011111111111111111111011111111');
    manualSeed(8);
    const y = bernoulli(linspace(0, 1, 100, { dtype: 'float64' }));
    expect(y.dtype).toBe('float64');
    expect(values(y).join('')).toBe('0000000100000010100100000010000110000101011001000111011011011001111000011111010011110111111111111111');
  });

  it('keeps the shape and hits probability p on a large sample', () => {
    manualSeed(9);
    const x = bernoulli(full([200, 500], 0.3, { dtype: 'float32' }));
    expect(x.shape).toEqual([200, 500]);
    const [mean] = meanAndVariance(x);
    // Standard error sqrt(0.3 · 0.7 / n) ≈ 1.45e-3.
    expect(Math.abs(mean - 0.3)).toBeLessThan(4 * 1.45e-3);
  });

  it('always gives 0 for p = 0 and 1 for p = 1', () => {
    expect(values(bernoulli(zeros(50)))).toEqual(new Array(50).fill(0));
    expect(values(bernoulli(full([50], 1, { dtype: 'float32' })))).toEqual(new Array(50).fill(1));
  });

  it('reads non-contiguous probabilities in row-major order', () => {
    const base = tensor([[0, 1], [0, 1]], { dtype: 'float32' });
    expect(bernoulli(view(base, [2, 2], [1, 2])).tolist()).toEqual([[0, 0], [1, 1]]);
  });

  it('rejects probabilities outside [0, 1] and integer tensors', () => {
    expect(() => bernoulli(tensor([0.5, 1.5]))).toThrow(InvalidArgumentError);
    expect(() => bernoulli(tensor([0.5, 1.5]))).toThrow('bernoulli: p must lie in [0, 1], got 1.5 at flat index 1 of p [2]');
    expect(() => bernoulli(tensor([NaN]))).toThrow(/got NaN/);
    expect(() => bernoulli(tensor([0, 1]))).toThrow('bernoulli: p must be a floating-point tensor, got int64');
  });
});

describe('uniform_', () => {
  it('matches Tensor.uniform_(-3.3, 7.1) bit for bit (float32 and float64)', () => {
    manualSeed(4);
    expect(bitsHash(uniform_(zeros(1000), -3.3, 7.1))).toBe(2705823952);
    manualSeed(4);
    expect(bitsHash(uniform_(zeros(1000, { dtype: 'float64' }), -3.3, 7.1))).toBe(3969653324);
  });

  it('returns x and bumps its version', () => {
    const x = zeros(3);
    const before = x.version;
    expect(uniform_(x)).toBe(x);
    expect(x.version).toBe(before + 1);
  });

  it('writes through a transposed view in memory order, as PyTorch does', () => {
    manualSeed(10);
    const base = zeros(4, 5);
    uniform_(view(base, [5, 4], [1, 5]));
    expect(values(base)).toEqual([
      0.4580846428871155, 0.4828565716743469, 0.3124983310699463, 0.6150216460227966, 0.21394729614257812, 0.4118261933326721,
      0.6937939524650574, 0.969308614730835, 0.6177955269813538, 0.33036595582962036, 0.5479421615600586, 0.44396382570266724,
      0.7040930390357971, 0.5572506189346313, 0.6958622932434082, 0.9849286675453186, 0.2923736572265625, 0.48232901096343994,
      0.614992618560791, 0.49673402309417725,
    ]);
  });

  it('leaves the elements outside a strided view alone', () => {
    const base = full([6, 8], -1, { dtype: 'float32' });
    uniform_(view(base, [6, 4], [8, 2], 1), 2, 3);
    const data = values(base);
    for (let i = 0; i < 48; i++) {
      if (i % 2 === 1) expect(data[i]! >= 2 && data[i]! < 3).toBe(true);
      else expect(data[i]).toBe(-1);
    }
  });

  it('keeps samples in [from, to) with the right mean', () => {
    const x = uniform_(zeros(100000), -2, 5, { generator: new Generator(1) });
    expect(values(x).every((v) => v >= -2 && v < 5)).toBe(true);
    const [mean] = meanAndVariance(x);
    // Standard error 7 / sqrt(12 n) ≈ 6.4e-3.
    expect(Math.abs(mean - 1.5)).toBeLessThan(4 * 6.4e-3);
  });

  it('rejects integer tensors, from > to, non-finite bounds, overflowing spans and overlapping views', () => {
    expect(() => uniform_(zeros(2), -3e38, 3e38)).toThrow('uniform_: to - from overflows float32, got from=-3e+38 and to=3e+38');
    expect(uniform_(zeros(2, { dtype: 'float64' }), -3e38, 3e38).dtype).toBe('float64');
    expect(() => uniform_(zeros(2, { dtype: 'int64' }))).toThrow('uniform_: x must be a floating-point tensor, got int64');
    expect(() => uniform_(zeros(2), 2, 1)).toThrow('uniform_: from 2 must not exceed to 1');
    expect(() => uniform_(zeros(2), 0, Infinity)).toThrow('uniform_: from and to must be finite, got from=0 and to=Infinity');
    const base = zeros(3);
    expect(() => uniform_(view(base, [2, 3], [0, 1]))).toThrow('uniform_: x [2,3] with strides [0,1] has several elements at one memory location; clone() it first');
  });
});

describe('normal_', () => {
  it('matches Tensor.normal_ on a strided view (one float64 normal per element)', () => {
    manualSeed(10);
    const base = zeros(6, 8);
    normal_(view(base, [6, 4], [8, 2]));
    const expected = [
      -0.6013928055763245, -1.0122097730636597, -0.30226925015449524, -1.2276864051818848, 0.9198282361030579, -0.34846940636634827,
      -0.8691801428794861, -0.9581712484359741, -1.1920465230941772, 1.9049955606460571, -0.937332272529602, -0.8464673757553101,
      2.2678258419036865, 1.3614938259124756, 0.015663782134652138, 1.0990113019943237, 0.9536946415901184, 1.4010634422302246,
      -0.8805464506149292, -0.6516992449760437, 0.4077017903327942, 0.43891873955726624, -1.1243255138397217, -0.8372741937637329,
    ];
    expect(values(base)).toEqual(expected.flatMap((v) => [v, 0]));
  });

  it('matches Tensor.normal_ on a contiguous view with an offset', () => {
    manualSeed(11);
    const base = zeros(40);
    normal_(view(base, [32], [1], 3));
    expect(bitsHash(base)).toBe(2449862150);
  });

  it('returns x and bumps its version', () => {
    const x = zeros(20);
    expect(normal_(x, 1, 2)).toBe(x);
    expect(x.version).toBe(1);
  });

  it('has the requested moments through a non-contiguous view', () => {
    const base = zeros(400, 500);
    const transposed = normal_(view(base, [500, 400], [1, 500]), -1, 3, { generator: new Generator(4) });
    const [mean, variance] = meanAndVariance(transposed);
    expect(Math.abs(mean + 1)).toBeLessThan(4 * (3 / Math.sqrt(200000)));
    expect(Math.abs(variance - 9)).toBeLessThan(4 * 9 * Math.sqrt(2 / 200000));
  });

  it('rejects integer tensors and a negative std', () => {
    expect(() => normal_(zeros(2, { dtype: 'int32' }))).toThrow('normal_: x must be a floating-point tensor, got int32');
    expect(() => normal_(zeros(2), 0, -1)).toThrow('normal_: std must be non-negative, got -1');
  });
});

describe('bernoulli_', () => {
  it('matches Tensor.bernoulli_(0.3)', () => {
    manualSeed(9);
    const x = zeros(100);
    bernoulli_(x, 0.3);
    expect(values(x).join('')).toBe('1001101110010001100001001100101010001000000100000010000111101000001010100001000001010100101010001100');
  });

  it('fills any dtype, writes through views and bumps the version', () => {
    const base = full([4, 4], 7, { dtype: 'int64' });
    const diagonal = view(base, [4], [5]);
    expect(bernoulli_(diagonal, 1)).toBe(diagonal);
    expect(base.tolist()).toEqual([[1, 7, 7, 7], [7, 1, 7, 7], [7, 7, 1, 7], [7, 7, 7, 1]]);
    expect(base.version).toBe(1);
    const flags = bernoulli_(zeros(5, { dtype: 'bool' }), 0);
    expect(flags.tolist()).toEqual([false, false, false, false, false]);
  });

  it('hits probability p on a large sample', () => {
    const x = bernoulli_(zeros(100000), 0.7, { generator: new Generator(2) });
    const [mean] = meanAndVariance(x);
    expect(Math.abs(mean - 0.7)).toBeLessThan(4 * Math.sqrt(0.21 / 100000));
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => bernoulli_(zeros(2), -0.1)).toThrow(InvalidArgumentError);
    expect(() => bernoulli_(zeros(2), 1.1)).toThrow('bernoulli_: p must lie in [0, 1], got 1.1');
  });
});

describe('default generator', () => {
  it('is the one random ops use when none is given', () => {
    defaultGenerator.manualSeed(0);
    expect(values(randint(0, 10, [3]))).toEqual([4, 9, 3]);
  });
});
