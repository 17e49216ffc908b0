import { Tensor } from '@torchlet/optim';
import { describe, expect, it } from 'vitest';
import { archive, bytesOf, expectCheckpointError, str, tensorPickle, u32 } from '../../test/helpers.js';
import { encodeElements } from '../dtypes.js';
import { load } from './load.js';

const f32 = (...values: number[]) => encodeElements(new Float32Array(values), 'float32');
const pickleOf = (...parts: Parameters<typeof bytesOf>) => bytesOf(0x80, 2, ...parts, '.');

describe('load', () => {
  it('reads a tensor as a view of its storage', () => {
    const value = load(archive(pickleOf(tensorPickle('FloatStorage', '0', 6, 1, [2, 2], [1, 2])), { 0: f32(0, 1, 2, 3, 4, 5) })) as Tensor;
    expect(value).toBeInstanceOf(Tensor);
    expect(value.dtype).toBe('float32');
    expect(value.offset).toBe(1);
    expect(value.strides).toEqual([1, 2]);
    expect(value.tolist()).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('shares one Storage between tensors of the same storage key', () => {
    const [a, b] = load(archive(pickleOf(']', '(', tensorPickle('FloatStorage', '0', 2, 0, [2], [1]), tensorPickle('FloatStorage', '0', 2, 1, [1], [1]), 'e'), { 0: f32(7, 8) })) as Tensor[];
    expect(a!.storage).toBe(b!.storage);
    expect(b!.tolist()).toEqual([8]);
  });

  it('reads bytes that are a view into a larger buffer (as Node Buffers often are)', () => {
    const bytes = archive(pickleOf(tensorPickle('FloatStorage', '0', 2, 0, [2], [1])), { 0: f32(1.5, -2) });
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expect((load(padded.subarray(3)) as Tensor).tolist()).toEqual([1.5, -2]);
  });

  it('accepts any single root folder and a .data/version record', () => {
    const bytes = archive(pickleOf('K', 5), {}, { root: 'my_model', version: null, extra: { '.data/version': bytesOf('3\n') } });
    expect(load(bytes)).toBe(5);
  });

  it('sets requiresGrad from _rebuild_tensor_v2 and _rebuild_parameter', () => {
    const plain = load(archive(pickleOf(tensorPickle('FloatStorage', '0', 1, 0, [], [], true)), { 0: f32(1) })) as Tensor;
    expect(plain.requiresGrad).toBe(true);
    const parameter = load(archive(pickleOf('ctorch._utils\n_rebuild_parameter\n', tensorPickle('FloatStorage', '0', 1, 0, [1], [1]), 0x88, 'ccollections\nOrderedDict\n)R', 0x87, 'R'), { 0: f32(2) })) as Tensor;
    expect(parameter.requiresGrad).toBe(true);
    expect(parameter.tolist()).toEqual([2]);
  });

  it('reads big-endian storages when byteorder says so', () => {
    const big = new Uint8Array(4);
    new DataView(big.buffer).setFloat32(0, 1.5, false);
    const value = load(archive(pickleOf(tensorPickle('FloatStorage', '0', 1, 0, [1], [1])), { 0: big }, { extra: { byteorder: bytesOf('big') } })) as Tensor;
    expect(value.tolist()).toEqual([1.5]);
  });

  it('reads bytes (_codecs.encode), sets and OrderedDicts built from pairs', () => {
    const value = load(
      archive(
        pickleOf(
          ']',
          '(',
          'c_codecs\nencode\n', str('\u0000\u00ff'), str('latin1'), 0x86, 'R',
          'c__builtin__\nset\n', ']K', 1, 'a', 0x85, 'R',
          'ccollections\nOrderedDict\n', ']', str('k'), 'K', 2, 0x86, 'a', 0x85, 'R',
          'e',
        ),
      ),
    );
    expect(value).toEqual([new Uint8Array([0, 255]), new Set([1]), { k: 2 }]);
  });

  it('refuses globals outside the allowlist, naming them, without running anything', () => {
    expectCheckpointError(
      () => load(archive(pickleOf('cos\nsystem\n', str('echo hi'), 0x85, 'R'))),
      "load: archive/data.pkl offset 2 (GLOBAL): global 'os.system' is not allowed (only tensors, storages, OrderedDict, set, frozenset and bytes are allowed, as with torch.load(weights_only=True))",
    );
    expectCheckpointError(() => load(archive(pickleOf('ctorch\nComplexFloatStorage\n'))), "global 'torch.ComplexFloatStorage' is not allowed: torchlet has no dtype for this storage class");
    expectCheckpointError(() => load(archive(pickleOf('c__builtin__\neval\n'))), "global 'builtins.eval' is not allowed");
  });

  it('refuses storages whose record is missing or of the wrong size', () => {
    expectCheckpointError(() => load(archive(pickleOf(tensorPickle('FloatStorage', '0', 2, 0, [2], [1])))), 'storage 0 has no data/0 record');
    expectCheckpointError(() => load(archive(pickleOf(tensorPickle('FloatStorage', '0', 3, 0, [2], [1])), { 0: f32(1, 2) })), 'storage 0 claims 3 float32 elements (12 bytes) but data/0 holds 8 bytes');
    expectCheckpointError(
      () => load(archive(pickleOf(tensorPickle('FloatStorage', '0', 1e9, 0, [2], [1])), { 0: f32(1, 2) })),
      'storage 0 claims 1000000000 float32 elements (4000000000 bytes) but data/0 holds 8 bytes',
    );
  });

  it('refuses one storage read as two dtypes', () => {
    expectCheckpointError(
      () => load(archive(pickleOf(']', '(', tensorPickle('FloatStorage', '0', 1, 0, [1], [1]), tensorPickle('IntStorage', '0', 1, 0, [1], [1]), 'e'), { 0: f32(1) })),
      'storage 0 is read as int32 but was float32 before',
    );
  });

  it('refuses views that reach outside their storage or claim 10^12 elements', () => {
    const storages = { 0: f32(1, 2, 3, 4) };
    expectCheckpointError(() => load(archive(pickleOf(tensorPickle('FloatStorage', '0', 4, 1, [2, 2], [2, 1])), storages)), 'a tensor of size (2, 2), stride (2, 1) at offset 1 reaches element 4 of storage 0, which has 4');
    expectCheckpointError(() => load(archive(pickleOf(tensorPickle('FloatStorage', '0', 4, 0, [1_000_000, 1_000_000], [0, 0])), storages)), 'a tensor of size (1000000, 1000000) has more than 2^32 elements');
    expectCheckpointError(() => load(archive(pickleOf(tensorPickle('FloatStorage', '0', 4, 0, [2], [1, 1])), storages)), 'size has 1 dims but stride has 2');
  });

  it('accepts an empty view anywhere, and zero strides (expanded tensors)', () => {
    const storages = { 0: f32(1, 2) };
    expect((load(archive(pickleOf(tensorPickle('FloatStorage', '0', 2, 9, [0, 3], [3, 1])), storages)) as Tensor).shape).toEqual([0, 3]);
    expect((load(archive(pickleOf(tensorPickle('FloatStorage', '0', 2, 1, [2, 3], [0, 0])), storages)) as Tensor).tolist()).toEqual([
      [2, 2, 2],
      [2, 2, 2],
    ]);
  });

  it('refuses malformed tensor arguments', () => {
    const storages = { 0: f32(1) };
    expectCheckpointError(() => load(archive(pickleOf('ctorch._utils\n_rebuild_tensor_v2\n(K', 1, 't', 'R'))), '_rebuild_tensor_v2 takes 6 or 7 arguments, got 1');
    expectCheckpointError(() => load(archive(pickleOf('ctorch._utils\n_rebuild_tensor\n(K', 1, 'K', 0, ')', ')', 't', 'R'))), 'a tensor needs (storage, offset, size, stride), got (int, int, tuple, tuple)');
    expectCheckpointError(() => load(archive(pickleOf('ctorch._utils\n_rebuild_parameter\n(K', 1, 0x88, '}t', 'R'))), 'a parameter needs (tensor, requires_grad, backward_hooks)');
    expectCheckpointError(() => load(archive(pickleOf(tensorPickle('IntStorage', '0', 1, 0, [1], [1], true)), { 0: new Uint8Array(4) })), 'a int32 tensor cannot require grad');
    expectCheckpointError(() => load(archive(pickleOf(str('storage'), 'Q'), storages)), "persistent id must be ('storage', torch.<Type>Storage, key, location, numel), got str");
  });

  it('refuses missing roots, versions and byte orders', () => {
    expectCheckpointError(() => load(archive(pickleOf('N'), {}, { root: 'a/b' })), 'no <root>/data.pkl record in the archive (it holds a/b/data.pkl, a/b/version)');
    expectCheckpointError(() => load(archive(pickleOf('N'), {}, { version: null })), 'no archive/version record');
    expectCheckpointError(() => load(archive(pickleOf('N'), {}, { version: '11' })), 'archive/version is "11"; versions 1 to 10 are supported');
    expectCheckpointError(() => load(archive(pickleOf('N'), {}, { extra: { byteorder: bytesOf('middle') } })), 'archive/byteorder is "middle", not little or big');
  });

  it('names the legacy format and non-zip input', () => {
    const legacy = bytesOf(0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, '.');
    expectCheckpointError(() => load(legacy), 'legacy torch.save format');
    expectCheckpointError(() => load(bytesOf(u32(8), u32(0), '{}      ')), 'load: zip: no end-of-central-directory record');
    expectCheckpointError(() => load('not bytes' as unknown as Uint8Array), 'load: expected a Uint8Array, got string');
  });

  it('puts the given name in front of its messages', () => {
    expectCheckpointError(() => load(new Uint8Array(3), { name: 'runs/model.pt' }), /^load runs\/model\.pt: zip: /);
  });
});
