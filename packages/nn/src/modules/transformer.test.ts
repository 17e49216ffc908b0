import { describe, expect, it } from 'vitest';
import { arange, InvalidArgumentError, manualSeed, noGrad, rand, randn, ShapeError, type Tensor, tensor, zeros } from '@torchlet/autograd';
import { assertClose, gradcheck } from '@torchlet/autograd/testing';
import type { Module } from '../module.js';
import { LayerNorm } from './normalization.js';
import { generateSquareSubsequentMask, MultiheadAttention, TransformerEncoder, TransformerEncoderLayer } from './transformer.js';

/** Sets every entry of the state dict, in order, to 0.5·sin(0.7·k + phase) for a running k. */
function fill(module: Module, phase = 0.1): void {
  let k = 0;
  noGrad(() => {
    for (const t of Object.values(module.stateDict())) {
      t.copy_(arange(k, k + t.numel(), { dtype: 'float64' }).mul(0.7).add(phase).sin().mul(0.5).reshape([...t.shape]));
      k += t.numel();
    }
  });
}

/** cos(f·j) over a tensor of `shape`, float64. */
function input(shape: number[], f = 0.3): Tensor {
  return arange(0, shape.reduce((a, b) => a * b, 1), { dtype: 'float64' }).mul(f).cos().reshape(shape);
}

const close = (actual: Tensor, expected: number[]) => assertClose(actual.reshape([-1]), tensor(expected, { dtype: 'float64' }), { rtol: 1e-9, atol: 1e-10 });
const values = (t: Tensor): number[] => Array.from(t.toTypedArray() as Float32Array);
const shapes = (m: Module) => Object.entries(m.stateDict()).map(([k, v]) => [k, v.shape]);
const padding = (rows: boolean[][]) => tensor(rows.map((r) => r.map(Number))).bool();

// Expected numbers: PyTorch 1.13 in float64, eval mode, parameters set by `fill` (same formula over
// the state dict in order), inputs by `input`. Masks: the padding mask marks the named keys, the
// causal mask is nn.Transformer.generate_square_subsequent_mask(3).
const selfOutput = [-0.479176763824, 0.171935553577, -0.798715239551, -0.308384963271, -0.295186125133, 0.024501341481, -0.70487426141, -0.337788883323, -0.215724607179, 0.002838644142, -0.743513624581, -0.243312443568, -0.39584655531, 0.146508729454, -0.834130004581, -0.216220973545, -0.606097402348, 0.30737336673, -0.927019667673, -0.202040179256, -0.508240486499, 0.17533850089, -0.77606418284, -0.354472573929];
const selfWeights = [0.167927661221, 0.509929593153, 0.322142745626, 0.564603529541, 0.156887681525, 0.278508788934, 0.116989602461, 0.616309220247, 0.266701177292, 0.330003159533, 0.228502839639, 0.441494000828, 0.352815015852, 0.323605876465, 0.323579107683, 0.222728169753, 0.64672815368, 0.130543676568];
const perHeadWeights = [0.133338984601, 0.492163174281, 0.374497841118, 0.627990177531, 0.141397524501, 0.230612297967, 0.147777102257, 0.485354790709, 0.366868107034, 0.202516337842, 0.527696012025, 0.269787650134, 0.50121688155, 0.172377838549, 0.326405279901, 0.086202102665, 0.747263649784, 0.166534247551, 0.340914560882, 0.261345211289, 0.397740227829, 0.361658850823, 0.219196911603, 0.419144237574, 0.143646464124, 0.744452746122, 0.111900789754, 0.319091758185, 0.195660467989, 0.485247773826, 0.34397118088, 0.428014841327, 0.228013977792, 0.301809875381, 0.549003561238, 0.149186563381];
const paddedOutput = [-0.58888846843, 0.214276033947, -0.768791827983, -0.407114457417, -0.468826787472, 0.139782095922, -0.748473803637, -0.370908712306, -0.247320294345, 0.024599980917, -0.752925972757, -0.247336730881, -0.468826787472, 0.139782095922, -0.748473803637, -0.370908712306, -0.687581099392, 0.327143512734, -0.882791717117, -0.305155451452, -0.468826787472, 0.139782095922, -0.748473803637, -0.370908712306];
const paddedWeights = [0.245255033913, 0.754744966087, 0.0, 0.780156681648, 0.219843318352, 0.0, 0.168416296678, 0.831583703322, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0, 1.0, 0.0, 0.0];
const causalOutput = [-0.077181927545, -0.104692271814, -0.679420241562, -0.256561962349, -0.468826787472, 0.139782095922, -0.748473803637, -0.370908712306, -0.247320294345, 0.024599980917, -0.752925972757, -0.247336730881, -0.517981043571, 0.193709218715, -0.800942227266, -0.325961993254, -0.606097402348, 0.30737336673, -0.927019667673, -0.202040179256, -0.508240486499, 0.17533850089, -0.77606418284, -0.354472573929];
const causalWeights = [1.0, 0.0, 0.0, 0.780156681648, 0.219843318352, 0.0, 0.116989602461, 0.616309220247, 0.266701177292, 1.0, 0.0, 0.0, 0.534098836051, 0.465901163949, 0.0, 0.222728169753, 0.64672815368, 0.130543676568];
const bothOutput = [-0.077181927545, -0.104692271814, -0.679420241562, -0.256561962349, -0.468826787472, 0.139782095922, -0.748473803637, -0.370908712306, -0.247320294345, 0.024599980917, -0.752925972757, -0.247336730881, -0.517981043571, 0.193709218715, -0.800942227266, -0.325961993254, -0.687581099392, 0.327143512734, -0.882791717117, -0.305155451452, -0.508240486499, 0.17533850089, -0.77606418284, -0.354472573929];
const crossOutput = [-0.466808441333, 0.157540959812, -0.783957746381, -0.32180004902, -0.466828069008, 0.190746216727, -0.846511588491, -0.237126050872, -0.47808600979, 0.107252425224, -0.677914216387, -0.471344680519, -0.451580879655, 0.177628738731, -0.837039616203, -0.241857980677];
const crossWeights = [0.166913322999, 0.333322360841, 0.16373332656, 0.3360309896, 0.386082215318, 0.099260707628, 0.421495073124, 0.09316200393, 0.207691351865, 0.29560485425, 0.224426987161, 0.272276806723, 0.223070866632, 0.278687330364, 0.254024019901, 0.244217783102];
const postNormOutput = [-1.236803544675, -0.513173542483, -0.167883086738, -0.085442894467, -1.157865620361, -0.600545438937, -0.166561046776, -0.157200659211, -1.153889302468, -0.571614254403, -0.172449809817, 0.019086042066, -1.228063964158, -0.373661119389, -0.172580708148, 0.183239609303, -1.266748649924, -0.362132296722, -0.171034822067, 0.13184417612, -1.263520840156, -0.474310872852, -0.167826968432, -0.063442762462];
const postNormMaskedOutput = [-1.143630790001, -0.612735465784, -0.16927145864, -0.09487263329, -1.186753880367, -0.5708731421, -0.166125441017, -0.155679105488, -1.160664696527, -0.565565236824, -0.172331592737, 0.018082330968, -1.258194912231, -0.365407985053, -0.171425872997, 0.14362612576, -1.2868686619, -0.353316753379, -0.169963289586, 0.101639633931, -1.263520840156, -0.474310872852, -0.167826968432, -0.063442762462];
const preNormGeluOutput = [0.38259024432, 1.048513095948, 0.925742190018, 0.584753539072, -0.248106094298, 0.15286061992, -0.122945586566, -0.53441817257, -1.357195938547, -0.837932509292, -0.860720174787, -1.025644076345, -1.754535376563, -0.45425685634, -0.436147258223, -0.324003888105, -0.784880166429, 0.665726500276, 0.688042679116, 0.705695530272, 0.142163033715, 1.263184902017, 0.970194623419, 0.750185915716];
const encoderOutput = [-0.802531485811, -0.293054250627, 0.216814840159, -0.390235498075, -0.802424958872, -0.291410336974, 0.218614971787, -0.388446916758, -0.802794048621, -0.294082012654, 0.215581876835, -0.391335329901, -0.802995656843, -0.292620244037, 0.21704872841, -0.389779577772, -0.802939748933, -0.291834947043, 0.21791152117, -0.38892589487, -0.802609129476, -0.291616052948, 0.218306589175, -0.388677776474];

describe('MultiheadAttention', () => {
  const make = () => {
    const mha = new MultiheadAttention(4, 2, { dtype: 'float64' });
    fill(mha);
    return mha.eval();
  };
  const x = input([3, 2, 4]);

  it('matches PyTorch for self-attention, with weights averaged over heads', () => {
    const [output, weights] = make().call(x, x, x);
    expect([output.shape, weights!.shape]).toEqual([[3, 2, 4], [2, 3, 3]]);
    close(output, selfOutput);
    close(weights!, selfWeights);
  });

  it('returns per-head weights with averageAttnWeights false', () => {
    const [, weights] = make().call(x, x, x, { averageAttnWeights: false });
    expect(weights!.shape).toEqual([2, 2, 3, 3]);
    close(weights!, perHeadWeights);
  });

  it('ignores padded keys given by a key padding mask', () => {
    const [output, weights] = make().call(x, x, x, { keyPaddingMask: padding([[false, false, true], [false, true, true]]) });
    close(output, paddedOutput);
    close(weights!, paddedWeights);
  });

  it('applies a causal mask, float or boolean, with or without weights', () => {
    const mha = make();
    const [output, weights] = mha.call(x, x, x, { attnMask: generateSquareSubsequentMask(3, { dtype: 'float64' }) });
    close(output, causalOutput);
    close(weights!, causalWeights);
    const boolMask = padding([[false, true, true], [false, false, true], [false, false, false]]);
    const [hinted, none] = mha.call(x, x, x, { attnMask: boolMask, isCausal: true, needWeights: false });
    close(hinted, causalOutput);
    expect(none).toBeNull();
  });

  it('combines a causal mask with a key padding mask', () => {
    const [output] = make().call(x, x, x, { attnMask: generateSquareSubsequentMask(3, { dtype: 'float64' }), keyPaddingMask: padding([[false, false, true], [false, false, false]]) });
    close(output, bothOutput);
  });

  it('uses separate q, k, v weights when kdim or vdim differ, matching PyTorch', () => {
    const mha = new MultiheadAttention(4, 2, { kdim: 3, vdim: 5, dtype: 'float64' });
    // [(k, list(v.shape)) for k, v in nn.MultiheadAttention(4, 2, kdim=3, vdim=5).state_dict().items()]
    expect(shapes(mha)).toEqual([['q_proj_weight', [4, 4]], ['k_proj_weight', [4, 3]], ['v_proj_weight', [4, 5]], ['in_proj_bias', [12]], ['out_proj.weight', [4, 4]], ['out_proj.bias', [4]]]);
    fill(mha);
    const [output, weights] = mha.eval().call(input([2, 2, 4]), input([4, 2, 3], 0.5), input([4, 2, 5], 0.7));
    close(output, crossOutput);
    close(weights!, crossWeights);
  });

  it("has PyTorch's parameters, zero biases and repr", () => {
    const mha = new MultiheadAttention(4, 2);
    expect(shapes(mha)).toEqual([['in_proj_weight', [12, 4]], ['in_proj_bias', [12]], ['out_proj.weight', [4, 4]], ['out_proj.bias', [4]]]);
    expect(values(mha.in_proj_bias!).every((v) => v === 0) && values(mha.out_proj.bias!).every((v) => v === 0)).toBe(true);
    expect(Object.keys(new MultiheadAttention(4, 2, { bias: false }).stateDict())).toEqual(['in_proj_weight', 'out_proj.weight']);
    expect(mha.toString()).toBe('MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)\n)');
  });

  it("reproduces PyTorch's initial weights bit for bit for the same seed", () => {
    manualSeed(0);
    const mha = new MultiheadAttention(4, 2);
    // torch.manual_seed(0); m = nn.MultiheadAttention(4, 2); m.in_proj_weight.flatten()[:4], m.out_proj.weight.flatten()[:3]
    expect(values(mha.in_proj_weight!).slice(0, 4)).toEqual([0.22242416441440582, 0.508506715297699, -0.12602636218070984, 0.45824551582336426]);
    expect(values(mha.out_proj.weight).slice(0, 3)).toEqual([-0.003743410110473633, 0.26822179555892944, -0.4115225672721863]);
  });

  it('takes batch-first inputs and accepts unbatched ones', () => {
    const mha = make();
    const batchFirst = new MultiheadAttention(4, 2, { batchFirst: true, dtype: 'float64' }).eval();
    batchFirst.loadStateDict(mha.stateDict());
    const xb = x.transpose(0, 1);
    const [output, weights] = batchFirst.call(xb, xb, xb);
    expect(output.shape).toEqual([2, 3, 4]);
    close(output.transpose(0, 1), selfOutput);
    close(weights!, selfWeights);
    const one = x.select(1, 1);
    const [single, singleWeights] = mha.call(one, one, one);
    expect([single.shape, singleWeights!.shape]).toEqual([[3, 4], [3, 3]]);
    close(single, selfOutput.filter((_, i) => Math.floor(i / 4) % 2 === 1));
  });

  it('applies attention dropout only in training', () => {
    const mha = new MultiheadAttention(4, 2, { dropout: 1 });
    const q = randn(3, 2, 4);
    const [, weights] = mha.call(q, q, q);
    expect(weights!.abs().sum().item()).toBe(0);
    const [, evalWeights] = mha.eval().call(q, q, q);
    assertClose(evalWeights!.sum(-1), zeros(2, 3).add(1));
  });

  it('passes gradcheck in float64', () => {
    const mha = new MultiheadAttention(4, 2, { dtype: 'float64' });
    const q = randn(2, 1, 4, { dtype: 'float64', requiresGrad: true });
    const kv = randn(3, 1, 4, { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((q: Tensor, kv: Tensor) => mha.call(q, kv, kv)[0], [q, kv])).toBe(true);
    expect(gradcheck(() => mha.call(q, kv, kv)[0], [...mha.parameters()])).toBe(true);
  });

  it('rejects bad sizes and mismatched inputs, naming the values', () => {
    expect(() => new MultiheadAttention(5, 2)).toThrow(new InvalidArgumentError('MultiheadAttention: embed_dim must be divisible by num_heads, got embed_dim=5 and num_heads=2'));
    expect(() => new MultiheadAttention(0, 2)).toThrow(new InvalidArgumentError('MultiheadAttention: embed_dim and num_heads must be greater than 0, got embed_dim=0 and num_heads=2 instead'));
    expect(() => new MultiheadAttention(4, 2, { dropout: -0.1 })).toThrow(new InvalidArgumentError('MultiheadAttention: dropout probability has to be between 0 and 1, but got -0.1'));
    const mha = new MultiheadAttention(4, 2);
    const q = randn(3, 2, 6);
    expect(() => mha.call(q, q, q)).toThrow(new ShapeError('multiHeadAttentionForward: was expecting embedding dimension of 4, but got 6'));
  });
});

describe('generateSquareSubsequentMask', () => {
  it('is 0 on and below the diagonal and −∞ above', () => {
    expect(values(generateSquareSubsequentMask(3))).toEqual([0, -Infinity, -Infinity, 0, 0, -Infinity, 0, 0, 0]);
  });

  it('rejects a negative size', () => {
    expect(() => generateSquareSubsequentMask(-1)).toThrow(new InvalidArgumentError('generateSquareSubsequentMask: size must be a non-negative integer, got -1'));
  });
});

describe('TransformerEncoderLayer', () => {
  const make = (options = {}, phase = 0.1) => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dtype: 'float64', ...options });
    fill(layer, phase);
    return layer.eval();
  };
  const x = input([3, 2, 4]);

  it('matches PyTorch (post-norm, relu)', () => {
    close(make().call(x), postNormOutput);
  });

  it('matches PyTorch with a causal mask and a key padding mask', () => {
    const output = make().call(x, { srcMask: generateSquareSubsequentMask(3, { dtype: 'float64' }), srcKeyPaddingMask: padding([[false, false, true], [false, false, false]]) });
    close(output, postNormMaskedOutput);
  });

  it('matches PyTorch with normFirst, gelu and batchFirst', () => {
    const output = make({ activation: 'gelu', normFirst: true, batchFirst: true }, 0.4).call(input([2, 3, 4]));
    expect(output.shape).toEqual([2, 3, 4]);
    close(output, preNormGeluOutput);
  });

  it('accepts unbatched [L, E] input', () => {
    close(make().call(x.select(1, 0)), postNormOutput.filter((_, i) => Math.floor(i / 4) % 2 === 0));
  });

  it("has PyTorch's children, so its state dict and repr match", () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8 });
    expect([...layer.namedChildren()].map(([n]) => n)).toEqual(['self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']);
    expect(Object.keys(layer.stateDict())).toEqual(['self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias', 'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias']);
    expect(layer.toString()).toContain('(dropout): Dropout(p=0.1, inplace=False)\n  (linear2): Linear(in_features=8, out_features=4, bias=True)');
  });

  it('drops every bias with bias false', () => {
    expect(Object.keys(new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, bias: false }).stateDict())).toEqual(['self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'linear1.weight', 'linear2.weight', 'norm1.weight', 'norm2.weight']);
  });

  it('applies dropout in training and none in eval', () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, dropout: 0.5 });
    const input = rand(3, 2, 4);
    const a = layer.call(input);
    expect(a.sub(layer.call(input)).abs().max().item()).toBeGreaterThan(0);
    layer.eval();
    assertClose(layer.call(input), layer.call(input));
  });

  it('accepts a custom activation function and rejects an unknown name', () => {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dtype: 'float64', activation: (t) => t.relu() });
    fill(layer);
    close(layer.eval().call(x), postNormOutput);
    expect(() => new TransformerEncoderLayer(4, 2, { activation: 'tanh' as 'relu' })).toThrow(new InvalidArgumentError('TransformerEncoderLayer: activation should be relu/gelu, not tanh'));
  });
});

describe('TransformerEncoder', () => {
  it('matches PyTorch with 2 layers, a final norm and both masks', () => {
    const encoder = new TransformerEncoder(new TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dtype: 'float64' }), 2, { norm: new LayerNorm(4, { dtype: 'float64' }) });
    fill(encoder, 0.2);
    const output = encoder.eval().call(input([3, 2, 4]), { mask: generateSquareSubsequentMask(3, { dtype: 'float64' }), srcKeyPaddingMask: padding([[false, false, true], [false, false, false]]) });
    close(output, encoderOutput);
  });

  it("has PyTorch 1.13's state-dict keys and shapes", () => {
    const encoder = new TransformerEncoder(new TransformerEncoderLayer(4, 2, { dimFeedforward: 6 }), 2, { norm: new LayerNorm(4) });
    // [(k, list(v.shape)) for k, v in nn.TransformerEncoder(nn.TransformerEncoderLayer(4, 2, dim_feedforward=6), 2, nn.LayerNorm(4)).state_dict().items()]
    expect(shapes(encoder)).toEqual([['layers.0.self_attn.in_proj_weight', [12, 4]], ['layers.0.self_attn.in_proj_bias', [12]], ['layers.0.self_attn.out_proj.weight', [4, 4]], ['layers.0.self_attn.out_proj.bias', [4]], ['layers.0.linear1.weight', [6, 4]], ['layers.0.linear1.bias', [6]], ['layers.0.linear2.weight', [4, 6]], ['layers.0.linear2.bias', [4]], ['layers.0.norm1.weight', [4]], ['layers.0.norm1.bias', [4]], ['layers.0.norm2.weight', [4]], ['layers.0.norm2.bias', [4]], ['layers.1.self_attn.in_proj_weight', [12, 4]], ['layers.1.self_attn.in_proj_bias', [12]], ['layers.1.self_attn.out_proj.weight', [4, 4]], ['layers.1.self_attn.out_proj.bias', [4]], ['layers.1.linear1.weight', [6, 4]], ['layers.1.linear1.bias', [6]], ['layers.1.linear2.weight', [4, 6]], ['layers.1.linear2.bias', [4]], ['layers.1.norm1.weight', [4]], ['layers.1.norm1.bias', [4]], ['layers.1.norm2.weight', [4]], ['layers.1.norm2.bias', [4]], ['norm.weight', [4]], ['norm.bias', [4]]]);
  });

  it('deep-copies the layer: equal initial weights, separate storage, no random draws', () => {
    manualSeed(0);
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 6 });
    const encoder = new TransformerEncoder(layer, 2);
    // torch.manual_seed(0); l = nn.TransformerEncoderLayer(4, 2, 6); nn.TransformerEncoder(l, 2); torch.rand(2)
    expect(values(rand(2))).toEqual([0.3748350739479065, 0.2564433217048645]);
    // ... and l.linear2.weight.flatten()[:3] before the copies
    expect(values(layer.linear2.weight).slice(0, 3)).toEqual([-0.31846797466278076, -0.23507733643054962, 0.3840593099594116]);
    const [first, second] = [...encoder.layers] as TransformerEncoderLayer[];
    expect(values(first!.linear2.weight)).toEqual(values(layer.linear2.weight));
    expect(values(second!.self_attn.in_proj_weight!)).toEqual(values(layer.self_attn.in_proj_weight!));
    noGrad(() => first!.linear2.weight.fill_(0));
    expect(values(second!.linear2.weight)).toEqual(values(layer.linear2.weight));
    expect([...encoder.parameters()].every((p) => p.requiresGrad)).toBe(true);
  });

  it('rejects a negative layer count', () => {
    expect(() => new TransformerEncoder(new TransformerEncoderLayer(4, 2), -1)).toThrow(new InvalidArgumentError('TransformerEncoder: num_layers must be a non-negative integer, got -1'));
  });
});
