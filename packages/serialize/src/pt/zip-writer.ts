import { zipSync, type Zippable } from 'fflate';

/** PyTorch's record alignment: every record's data starts at a multiple of 64 bytes. */
export const RECORD_ALIGNMENT = 64;
/** The extra-field id PyTorch pads local headers with ("FB"). */
const PADDING_FIELD = 0x4246;
/** A fixed timestamp (1980-01-01, local time, as DOS dates are) so equal inputs give equal files. */
const DOS_EPOCH = new Date(1980, 0, 1);

const utf8 = new TextEncoder();

/**
 * Writes `records` (name, bytes) as an uncompressed zip whose record data all start at multiples
 * of {@link RECORD_ALIGNMENT}, as PyTorch's writer lays them out. fflate's `zipSync` places each
 * local header right after the previous record (30 bytes + name + extra fields), so the offsets
 * are known in advance and each header gets a padding extra field of the needed length.
 */
export function writeAlignedZip(records: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const files: Zippable = {};
  let offset = 0;
  for (const [name, data] of records) {
    const headerEnd = offset + 30 + utf8.encode(name).length;
    let padding = (RECORD_ALIGNMENT - (headerEnd % RECORD_ALIGNMENT)) % RECORD_ALIGNMENT;
    // An extra field has a 4-byte header, so 1–3 bytes of padding need a whole alignment more.
    if (padding > 0 && padding < 4) padding += RECORD_ALIGNMENT;
    const extra = padding === 0 ? undefined : { [PADDING_FIELD]: new Uint8Array(padding - 4).fill(0x5a) };
    files[name] = [data, { level: 0, mtime: DOS_EPOCH, ...(extra && { extra }) }];
    offset = headerEnd + padding + data.length;
  }
  return zipSync(files);
}
