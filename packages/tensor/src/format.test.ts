import { describe, expect, it } from 'vitest';
import { allocate, type DType } from './dtype.js';
import { InvalidArgumentError } from './errors/index.js';
import { type FormatOptions, formatTensor } from './format.js';
import { linspace } from './ops/creation.js';
import { Tensor } from './tensor.js';

/** A tensor of `dtype` and `shape` holding `data` (NaN, ±Infinity and -0 kept as given). */
function make(dtype: DType, shape: number[], data: ArrayLike<number>): Tensor {
  const storage = allocate(dtype, data.length);
  for (let i = 0; i < data.length; i++) storage[i] = data[i]!;
  return Tensor.fromData(storage, shape, dtype);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

// Expected strings are `str(t)` from PyTorch 1.13 (`torch/_tensor_str.py`, unchanged in 2.x for
// these cases), with the options set through `torch.set_printoptions`.
const cases: [string, () => Tensor, string, FormatOptions?][] = [
  ["float matrix", () => make('float32', [2, 2], [1.5, 2.25, 3.125, 4.0]), "tensor([[1.5000, 2.2500],\n        [3.1250, 4.0000]])"],
  ["integer-valued floats", () => make('float32', [2, 2], [1.0, 2.0, 3.0, 4.0]), "tensor([[1., 2.],\n        [3., 4.]])"],
  ["int64", () => make('int64', [3], [1, 2, 3]), "tensor([1, 2, 3])"],
  ["int64 widths", () => make('int64', [3], [-1, 20, -300]), "tensor([  -1,   20, -300])"],
  ["int32 suffix", () => make('int32', [3], [1, 2, 3]), "tensor([1, 2, 3], dtype=torch.int32)"],
  ["uint8 suffix", () => make('uint8', [3], [1, 2, 255]), "tensor([  1,   2, 255], dtype=torch.uint8)"],
  ["bool", () => make('bool', [2], [1, 0]), "tensor([ True, False])"],
  ["bool column", () => make('bool', [2, 1], [1, 0]), "tensor([[ True],\n        [False]])"],
  ["float64 suffix", () => make('float64', [2], [1.5, 2.0]), "tensor([1.5000, 2.0000], dtype=torch.float64)"],
  ["float64 integer-valued", () => make('float64', [2], [1.0, 2.0]), "tensor([1., 2.], dtype=torch.float64)"],
  ["0-d float", () => make('float32', [], [3.5]), "tensor(3.5000)"],
  ["0-d int", () => make('int64', [], [3]), "tensor(3)"],
  ["0-d bool", () => make('bool', [], [1]), "tensor(True)"],
  ["0-d float64", () => make('float64', [], [-2.0]), "tensor(-2., dtype=torch.float64)"],
  ["empty", () => make('float32', [0], []), "tensor([])"],
  ["empty int64", () => make('int64', [0], []), "tensor([], dtype=torch.int64)"],
  ["empty 2-d", () => make('float32', [0, 3], []), "tensor([], size=(0, 3))"],
  ["empty 2-d int32", () => make('int32', [2, 0], []), "tensor([], size=(2, 0), dtype=torch.int32)"],
  ["empty bool", () => make('bool', [0], []), "tensor([], dtype=torch.bool)"],
  ["sci: small value", () => make('float32', [2], [9.999999747378752e-06, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"],
  ["sci: ratio over 1000", () => make('float32', [3], [1.0, 1001.0, 0.5]), "tensor([1.0000e+00, 1.0010e+03, 5.0000e-01])"],
  ["sci: integers over 1e8", () => make('float32', [2], [1000000000.0, 1.0]), "tensor([1.0000e+09, 1.0000e+00])"],
  ["sci: integer ratio", () => make('float32', [2], [1.0, 2000.0]), "tensor([1.0000e+00, 2.0000e+03])"],
  ["no sci at exactly 1e8", () => make('float64', [2], [100000000.0, 1.0]), "tensor([1.0000e+08, 1.0000e+00], dtype=torch.float64)"],
  ["nan and inf, integer mode", () => make('float32', [4], [NaN, Infinity, -Infinity, 1.0]), "tensor([nan, inf, -inf, 1.])"],
  ["nan and inf, fixed mode", () => make('float32', [4], [NaN, Infinity, -Infinity, 1.5]), "tensor([   nan,    inf,   -inf, 1.5000])"],
  ["nan only", () => make('float32', [1], [NaN]), "tensor([nan])"],
  ["zeros", () => make('float32', [3], [0.0, 0.0, 0.0]), "tensor([0., 0., 0.])"],
  ["negative zero, integer mode", () => make('float32', [2], [-0, 1.0]), "tensor([-0., 1.])"],
  ["negative zero, fixed mode", () => make('float32', [2], [-0, 1.5]), "tensor([-0.0000, 1.5000])"],
  ["rounds to negative zero", () => make('float32', [3], [-9.999999747378752e-06, 0.5, 100.0]), "tensor([-1.0000e-05,  5.0000e-01,  1.0000e+02])"],
  ["ties round to even", () => make('float64', [4], [0.03125, 0.09375, 2.5, 0.5]), "tensor([0.0312, 0.0938, 2.5000, 0.5000], dtype=torch.float64)"],
  ["integer mode ties", () => make('float32', [3], [0.5, 1.5, 2.5]), "tensor([0.5000, 1.5000, 2.5000])"],
  ["rounds up to 1", () => make('float32', [2], [0.9999899864196777, 1.0]), "tensor([1.0000, 1.0000])"],
  ["sci rounding carries", () => make('float64', [2], [9.99995e-06, 1.0]), "tensor([1.0000e-05, 1.0000e+00], dtype=torch.float64)"],
  ["wide integers", () => make('int64', [3], [1, 1000000, -5]), "tensor([      1, 1000000,      -5])"],
  ["float32 decimals", () => make('float32', [3], [0.10000000149011612, 0.20000000298023224, 0.30000001192092896]), "tensor([0.1000, 0.2000, 0.3000])"],
  ["3-d", () => make('float32', [2, 3, 4], range(24)), "tensor([[[ 0.,  1.,  2.,  3.],\n         [ 4.,  5.,  6.,  7.],\n         [ 8.,  9., 10., 11.]],\n\n        [[12., 13., 14., 15.],\n         [16., 17., 18., 19.],\n         [20., 21., 22., 23.]]])"],
  ["4-d", () => make('int64', [2, 2, 2, 2], range(16)), "tensor([[[[ 0,  1],\n          [ 2,  3]],\n\n         [[ 4,  5],\n          [ 6,  7]]],\n\n\n        [[[ 8,  9],\n          [10, 11]],\n\n         [[12, 13],\n          [14, 15]]]])"],
  ["wraps floats", () => linspace(0, 1, 30), "tensor([0.0000, 0.0345, 0.0690, 0.1034, 0.1379, 0.1724, 0.2069, 0.2414, 0.2759,\n        0.3103, 0.3448, 0.3793, 0.4138, 0.4483, 0.4828, 0.5172, 0.5517, 0.5862,\n        0.6207, 0.6552, 0.6897, 0.7241, 0.7586, 0.7931, 0.8276, 0.8621, 0.8966,\n        0.9310, 0.9655, 1.0000])"],
  ["wraps ints", () => make('int64', [40], range(40)), "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35,\n        36, 37, 38, 39])"],
  ["wraps rows", () => make('float32', [2, 30], linspace(-1, 1, 60).toTypedArray()), "tensor([[-1.0000, -0.9661, -0.9322, -0.8983, -0.8644, -0.8305, -0.7966, -0.7627,\n         -0.7288, -0.6949, -0.6610, -0.6271, -0.5932, -0.5593, -0.5254, -0.4915,\n         -0.4576, -0.4237, -0.3898, -0.3559, -0.3220, -0.2881, -0.2542, -0.2203,\n         -0.1864, -0.1525, -0.1186, -0.0847, -0.0508, -0.0169],\n        [ 0.0169,  0.0508,  0.0847,  0.1186,  0.1525,  0.1864,  0.2203,  0.2542,\n          0.2881,  0.3220,  0.3559,  0.3898,  0.4237,  0.4576,  0.4915,  0.5254,\n          0.5593,  0.5932,  0.6271,  0.6610,  0.6949,  0.7288,  0.7627,  0.7966,\n          0.8305,  0.8644,  0.8983,  0.9322,  0.9661,  1.0000]])"],
  ["wraps nested", () => make('float32', [2, 1, 30], linspace(0, 1, 60).toTypedArray()), "tensor([[[0.0000, 0.0169, 0.0339, 0.0508, 0.0678, 0.0847, 0.1017, 0.1186,\n          0.1356, 0.1525, 0.1695, 0.1864, 0.2034, 0.2203, 0.2373, 0.2542,\n          0.2712, 0.2881, 0.3051, 0.3220, 0.3390, 0.3559, 0.3729, 0.3898,\n          0.4068, 0.4237, 0.4407, 0.4576, 0.4746, 0.4915]],\n\n        [[0.5085, 0.5254, 0.5424, 0.5593, 0.5763, 0.5932, 0.6102, 0.6271,\n          0.6441, 0.6610, 0.6780, 0.6949, 0.7119, 0.7288, 0.7458, 0.7627,\n          0.7797, 0.7966, 0.8136, 0.8305, 0.8475, 0.8644, 0.8814, 0.8983,\n          0.9153, 0.9322, 0.9492, 0.9661, 0.9831, 1.0000]]])"],
  ["summarises 1-d", () => make('int64', [2000], range(2000)), "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"],
  ["summarises rows", () => make('int64', [2, 1000], range(2000)), "tensor([[   0,    1,    2,  ...,  997,  998,  999],\n        [1000, 1001, 1002,  ..., 1997, 1998, 1999]])"],
  ["summarises columns", () => make('float32', [1000, 3], range(3000)), "tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00],\n        [3.0000e+00, 4.0000e+00, 5.0000e+00],\n        [6.0000e+00, 7.0000e+00, 8.0000e+00],\n        ...,\n        [2.9910e+03, 2.9920e+03, 2.9930e+03],\n        [2.9940e+03, 2.9950e+03, 2.9960e+03],\n        [2.9970e+03, 2.9980e+03, 2.9990e+03]])"],
  ["summarises 3-d", () => make('float32', [10, 10, 12], range(1200).map((v) => v * 0.5)), "tensor([[[0.0000e+00, 5.0000e-01, 1.0000e+00,  ..., 4.5000e+00,\n          5.0000e+00, 5.5000e+00],\n         [6.0000e+00, 6.5000e+00, 7.0000e+00,  ..., 1.0500e+01,\n          1.1000e+01, 1.1500e+01],\n         [1.2000e+01, 1.2500e+01, 1.3000e+01,  ..., 1.6500e+01,\n          1.7000e+01, 1.7500e+01],\n         ...,\n         [4.2000e+01, 4.2500e+01, 4.3000e+01,  ..., 4.6500e+01,\n          4.7000e+01, 4.7500e+01],\n         [4.8000e+01, 4.8500e+01, 4.9000e+01,  ..., 5.2500e+01,\n          5.3000e+01, 5.3500e+01],\n         [5.4000e+01, 5.4500e+01, 5.5000e+01,  ..., 5.8500e+01,\n          5.9000e+01, 5.9500e+01]],\n\n        [[6.0000e+01, 6.0500e+01, 6.1000e+01,  ..., 6.4500e+01,\n          6.5000e+01, 6.5500e+01],\n         [6.6000e+01, 6.6500e+01, 6.7000e+01,  ..., 7.0500e+01,\n          7.1000e+01, 7.1500e+01],\n         [7.2000e+01, 7.2500e+01, 7.3000e+01,  ..., 7.6500e+01,\n          7.7000e+01, 7.7500e+01],\n         ...,\n         [1.0200e+02, 1.0250e+02, 1.0300e+02,  ..., 1.0650e+02,\n          1.0700e+02, 1.0750e+02],\n         [1.0800e+02, 1.0850e+02, 1.0900e+02,  ..., 1.1250e+02,\n          1.1300e+02, 1.1350e+02],\n         [1.1400e+02, 1.1450e+02, 1.1500e+02,  ..., 1.1850e+02,\n          1.1900e+02, 1.1950e+02]],\n\n        [[1.2000e+02, 1.2050e+02, 1.2100e+02,  ..., 1.2450e+02,\n          1.2500e+02, 1.2550e+02],\n         [1.2600e+02, 1.2650e+02, 1.2700e+02,  ..., 1.3050e+02,\n          1.3100e+02, 1.3150e+02],\n         [1.3200e+02, 1.3250e+02, 1.3300e+02,  ..., 1.3650e+02,\n          1.3700e+02, 1.3750e+02],\n         ...,\n         [1.6200e+02, 1.6250e+02, 1.6300e+02,  ..., 1.6650e+02,\n          1.6700e+02, 1.6750e+02],\n         [1.6800e+02, 1.6850e+02, 1.6900e+02,  ..., 1.7250e+02,\n          1.7300e+02, 1.7350e+02],\n         [1.7400e+02, 1.7450e+02, 1.7500e+02,  ..., 1.7850e+02,\n          1.7900e+02, 1.7950e+02]],\n\n        ...,\n\n        [[4.2000e+02, 4.2050e+02, 4.2100e+02,  ..., 4.2450e+02,\n          4.2500e+02, 4.2550e+02],\n         [4.2600e+02, 4.2650e+02, 4.2700e+02,  ..., 4.3050e+02,\n          4.3100e+02, 4.3150e+02],\n         [4.3200e+02, 4.3250e+02, 4.3300e+02,  ..., 4.3650e+02,\n          4.3700e+02, 4.3750e+02],\n         ...,\n         [4.6200e+02, 4.6250e+02, 4.6300e+02,  ..., 4.6650e+02,\n          4.6700e+02, 4.6750e+02],\n         [4.6800e+02, 4.6850e+02, 4.6900e+02,  ..., 4.7250e+02,\n          4.7300e+02, 4.7350e+02],\n         [4.7400e+02, 4.7450e+02, 4.7500e+02,  ..., 4.7850e+02,\n          4.7900e+02, 4.7950e+02]],\n\n        [[4.8000e+02, 4.8050e+02, 4.8100e+02,  ..., 4.8450e+02,\n          4.8500e+02, 4.8550e+02],\n         [4.8600e+02, 4.8650e+02, 4.8700e+02,  ..., 4.9050e+02,\n          4.9100e+02, 4.9150e+02],\n         [4.9200e+02, 4.9250e+02, 4.9300e+02,  ..., 4.9650e+02,\n          4.9700e+02, 4.9750e+02],\n         ...,\n         [5.2200e+02, 5.2250e+02, 5.2300e+02,  ..., 5.2650e+02,\n          5.2700e+02, 5.2750e+02],\n         [5.2800e+02, 5.2850e+02, 5.2900e+02,  ..., 5.3250e+02,\n          5.3300e+02, 5.3350e+02],\n         [5.3400e+02, 5.3450e+02, 5.3500e+02,  ..., 5.3850e+02,\n          5.3900e+02, 5.3950e+02]],\n\n        [[5.4000e+02, 5.4050e+02, 5.4100e+02,  ..., 5.4450e+02,\n          5.4500e+02, 5.4550e+02],\n         [5.4600e+02, 5.4650e+02, 5.4700e+02,  ..., 5.5050e+02,\n          5.5100e+02, 5.5150e+02],\n         [5.5200e+02, 5.5250e+02, 5.5300e+02,  ..., 5.5650e+02,\n          5.5700e+02, 5.5750e+02],\n         ...,\n         [5.8200e+02, 5.8250e+02, 5.8300e+02,  ..., 5.8650e+02,\n          5.8700e+02, 5.8750e+02],\n         [5.8800e+02, 5.8850e+02, 5.8900e+02,  ..., 5.9250e+02,\n          5.9300e+02, 5.9350e+02],\n         [5.9400e+02, 5.9450e+02, 5.9500e+02,  ..., 5.9850e+02,\n          5.9900e+02, 5.9950e+02]]])"],
  ["summarised formatter ignores hidden values", () => make('float32', [1010], range(1010).map((i) => (i < 5 || i >= 1005 ? 1 : 1e-7))), "tensor([1., 1., 1.,  ..., 1., 1., 1.])"],
  ["summarised bool", () => make('bool', [1200], range(1200).map((i) => (i % 3 === 0 ? 1 : 0))), "tensor([ True, False, False,  ...,  True, False, False])"],
  ["precision 2", () => make('float32', [2], [1.2345600128173828, 2.5]), "tensor([1.23, 2.50])", {precision: 2}],
  ["precision 0", () => make('float32', [2], [1.2345600128173828, 2.5]), "tensor([1, 2])", {precision: 0}],
  ["precision 0, sci", () => make('float32', [3], [1.4999999621068127e-05, 2.5, 1.0]), "tensor([1e-05, 2e+00, 1e+00])", {precision: 0}],
  ["precision 8, float64", () => make('float64', [2], [1.23456789012, 2.5]), "tensor([1.23456789, 2.50000000], dtype=torch.float64)", {precision: 8}],
  ["threshold 5", () => make('int64', [10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), "tensor([0, 1, 2,  ..., 7, 8, 9])", {threshold: 5}],
  ["threshold 5, edgeItems 1", () => make('int64', [10], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), "tensor([0,  ..., 9])", {threshold: 5, edgeItems: 1}],
  ["lineWidth 20", () => make('int64', [20], range(20)), "tensor([ 0,  1,  2,\n         3,  4,  5,\n         6,  7,  8,\n         9, 10, 11,\n        12, 13, 14,\n        15, 16, 17,\n        18, 19])", {lineWidth: 20}],
  ["lineWidth 10 moves the suffix", () => make('int32', [3], [0, 1, 2]), "tensor([0,\n        1,\n        2],\n       dtype=torch.int32)", {lineWidth: 10}],
  ["lineWidth 5 keeps one per line", () => make('float32', [3], [1.5, 2.5, 3.5]), "tensor([1.5000,\n        2.5000,\n        3.5000])", {lineWidth: 5}],
  ["sciMode true", () => make('float32', [2], [1.5, 2.0]), "tensor([1.5000e+00, 2.0000e+00])", {sciMode: true}],
  ["sciMode false", () => make('float32', [2], [9.999999747378752e-06, 1.0]), "tensor([    0.0000,     1.0000])", {sciMode: false}],
  ["sciMode true ignored for zeros", () => make('float32', [2], [0.0, 0.0]), "tensor([0., 0.])", {sciMode: true}],
  ["dtype suffix on its own line", () => make('int32', [25], range(25)), "tensor([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16, 17,\n        18, 19, 20, 21, 22, 23, 24], dtype=torch.int32)"],
  ["suffix line length", () => make('int32', [13], range(13).map((v) => v * 10000)), "tensor([     0,  10000,  20000,  30000,  40000,  50000,  60000,  70000,  80000,\n         90000, 100000, 110000, 120000], dtype=torch.int32)"],
  ["huge float64", () => make('float64', [2], [1e+30, -1e+30]), "tensor([ 1.0000e+30, -1.0000e+30], dtype=torch.float64)"],
  ["large int64", () => make('int64', [2], [4503599627370496, -3]), "tensor([4503599627370496,               -3])"],
  ["subnormal", () => make('float64', [2], [1e-310, 1.0]), "tensor([1.0000e-310,  1.0000e+00], dtype=torch.float64)"],
  ["float32 max", () => make('float32', [2], [3.4028234663852886e+38, 1.0]), "tensor([3.4028e+38, 1.0000e+00])"],
  ["negative sci", () => make('float32', [3], [-1.4999999621068127e-05, 2.5, -100000.0]), "tensor([-1.5000e-05,  2.5000e+00, -1.0000e+05])"],
  ["column vector", () => make('float32', [5, 1], [0.0, 1.0, 2.0, 3.0, 4.0]), "tensor([[0.],\n        [1.],\n        [2.],\n        [3.],\n        [4.]])"],
  ["requires_grad suffix", () => make('float32', [2], [1.0, 2.0]), "tensor([1., 2.], requires_grad=True)", {suffixes: ["requires_grad=True"]}],
  ["suffixes wrap", () => linspace(0, 1, 12, { dtype: 'float64' }), "tensor([0.0000, 0.0909, 0.1818, 0.2727, 0.3636, 0.4545, 0.5455, 0.6364, 0.7273,\n        0.8182, 0.9091, 1.0000], dtype=torch.float64, requires_grad=True)", {suffixes: ["requires_grad=True"]}],
  ["randn(3, 4) after seed 0", () => make('float32', [3, 4], [1.5409960746765137, -0.293428897857666, -2.1787893772125244, 0.5684312582015991, -1.0845223665237427, -1.3985954523086548, 0.40334683656692505, 0.8380263447761536, -0.7192575931549072, -0.40334352850914, -0.5966353416442871, 0.18203648924827576]), "tensor([[ 1.5410, -0.2934, -2.1788,  0.5684],\n        [-1.0845, -1.3986,  0.4033,  0.8380],\n        [-0.7193, -0.4033, -0.5966,  0.1820]])"],
];

describe('formatTensor', () => {
  it.each(cases)('prints %s as PyTorch does', (_name, build, expected, options) => {
    expect(formatTensor(build(), options)).toBe(expected);
  });

  it('prints a non-contiguous view by its logical order', () => {
    const base = make('int64', [2, 3], range(6));
    const transposed = new Tensor(base.storage, [3, 2], [1, 3], 0, 'int64');
    // torch.arange(6).reshape(2, 3).t()
    expect(formatTensor(transposed)).toBe('tensor([[0, 3],\n        [1, 4],\n        [2, 5]])');
  });

  it('replaces everything with ... when edgeItems is 0, with the size (PyTorch 2.x)', () => {
    // PyTorch 2.x: torch.set_printoptions(threshold=5, edgeitems=0); str(torch.arange(10))
    expect(formatTensor(make('int64', [10], range(10)), { threshold: 5, edgeItems: 0 })).toBe('tensor([...], size=(10,))');
    expect(formatTensor(make('int64', [4, 5], range(20)), { threshold: 5, edgeItems: 0 })).toBe('tensor([...], size=(4, 5))');
  });

  it('shows the size but not the contents of empty tensors of any rank', () => {
    expect(formatTensor(make('float64', [3, 0, 2], []))).toBe('tensor([], size=(3, 0, 2), dtype=torch.float64)');
  });

  it('rejects invalid options', () => {
    const x = make('float32', [1], [1]);
    expect(() => formatTensor(x, { precision: -1 })).toThrow(InvalidArgumentError);
    expect(() => formatTensor(x, { precision: 1.5 })).toThrow('formatTensor: precision must be a non-negative integer, got 1.5');
    expect(() => formatTensor(x, { edgeItems: -1 })).toThrow('formatTensor: edgeItems must be a non-negative integer, got -1');
    expect(() => formatTensor(x, { lineWidth: 2.5 })).toThrow('formatTensor: lineWidth must be a non-negative integer, got 2.5');
    expect(() => formatTensor(x, { threshold: NaN })).toThrow('formatTensor: threshold must be a number, got NaN');
  });
});
