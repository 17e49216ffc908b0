import { CheckpointError, load, loadSafetensors, RawTensor, save, saveSafetensors, type StateDict } from '@torchlet/serialize';

/** The two checkpoint formats the page reads and writes. */
export type WeightsFormat = 'pt' | 'safetensors';

/** A state dict as the bytes of a `.pt` file (`torch.save(model.state_dict())`) or a `.safetensors` file. */
export function encodeWeights(stateDict: StateDict, format: WeightsFormat, metadata: Record<string, string> = {}): Uint8Array {
  return format === 'pt' ? save(stateDict) : saveSafetensors(stateDict, { format: 'pt', ...metadata });
}

/** Which format `bytes` are in, from their first bytes: a `.pt` file is a zip archive, which starts with `PK\x03\x04`. */
export function detectFormat(bytes: Uint8Array): WeightsFormat {
  return bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04 ? 'pt' : 'safetensors';
}

/** A state dict read from the bytes of a `.pt` or `.safetensors` file, whichever they are, and the file's metadata. */
export function decodeWeights(bytes: Uint8Array, name = 'weights'): { stateDict: StateDict; metadata: Record<string, string>; format: WeightsFormat } {
  const format = detectFormat(bytes);
  if (format === 'safetensors') {
    const { tensors, metadata } = loadSafetensors(bytes);
    return { stateDict: tensors, metadata, format };
  }
  const value = load(bytes, { name });
  const isStateDict =
    typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => entry instanceof RawTensor);
  if (!isStateDict) throw new CheckpointError(`${name} holds no state dict (a dict of tensors)`);
  return { stateDict: value as StateDict, metadata: {}, format };
}

/**
 * A short hash of a state dict's names, shapes and float32 values (FNV-1a, 32 bits, as 8 hex
 * digits): two state dicts with the same fingerprint hold the same weights, so the page can show
 * that a saved and reloaded model is the one that was saved.
 */
export function fingerprint(stateDict: StateDict): string {
  let hash = 0x811c9dc5;
  const mix = (byte: number) => {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  };
  for (const [name, tensor] of Object.entries(stateDict)) {
    for (const character of `${name}:${tensor.shape.join('x')};`) mix(character.charCodeAt(0) & 0xff);
    const values = Float32Array.from(tensor.contiguous().toTypedArray() as ArrayLike<number>);
    for (const byte of new Uint8Array(values.buffer)) mix(byte);
  }
  return hash.toString(16).padStart(8, '0');
}

/** The number of values in a state dict. */
export function parameterCount(stateDict: StateDict): number {
  return Object.values(stateDict).reduce((sum, tensor) => sum + tensor.numel(), 0);
}
