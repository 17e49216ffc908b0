import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expectCheckpointError } from '../../test/helpers.js';
import { crc32, readZip } from './zip-reader.js';
import { writeAlignedZip } from './zip-writer.js';

const fixture = (path: string) => new Uint8Array(readFileSync(new URL(`../../test/fixtures/${path}`, import.meta.url)));
const sample = () => writeAlignedZip([['r/one', new Uint8Array([1, 2, 3, 4])], ['r/two', new Uint8Array([5, 6])]]);

/** Offsets of the end record, the first central directory entry and its fields. */
function layout(zip: Uint8Array) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  const central = view.getUint32(end + 16, true);
  return { view, end, central };
}

describe('readZip', () => {
  it("reads PyTorch's archives (zip64 end records, padded local headers)", () => {
    const records = readZip(fixture('checkpoints/views.pt'));
    expect([...records.keys()]).toContain('views/data.pkl');
    expect(records.get('views/data/0')).toHaveLength(48);
    expect(new TextDecoder().decode(records.get('views/byteorder'))).toBe('little');
  });

  it('inflates deflated records', () => {
    const data = new Uint8Array(5000).map((_, i) => i % 7);
    const zip = zipSync({ 'a/b': [data, { level: 6 }] });
    expect(readZip(zip).get('a/b')).toEqual(data);
  });

  it('refuses bytes that are not a zip archive, or are cut short', () => {
    expectCheckpointError(() => readZip(new Uint8Array(0)), 'no end-of-central-directory record in 0 bytes');
    expectCheckpointError(() => readZip(new TextEncoder().encode('{"a": 1}'.repeat(10))), 'no end-of-central-directory record');
    const zip = sample();
    expectCheckpointError(() => readZip(zip.subarray(0, zip.length - 1)), 'no end-of-central-directory record');
    expectCheckpointError(() => readZip(zip.subarray(64)), /zip: /);
  });

  it('checks CRC-32, so a flipped data byte is caught', () => {
    const zip = sample();
    zip[64] ^= 0x10;
    expectCheckpointError(() => readZip(zip), 'zip: record r/one fails its CRC-32 check (the file is corrupted)');
  });

  it('refuses a record that runs past the archive data', () => {
    const zip = sample();
    const { view, central } = layout(zip);
    view.setUint32(central + 20, 1000, true);
    view.setUint32(central + 24, 1000, true);
    expectCheckpointError(() => readZip(zip), /record r\/one \(bytes 64–1064\) runs past the archive data/);
  });

  it('refuses a stored record whose sizes disagree', () => {
    const zip = sample();
    const { view, central } = layout(zip);
    view.setUint32(central + 24, 5, true);
    expectCheckpointError(() => readZip(zip), 'stored record r/one is 4 bytes but claims 5');
  });

  it('refuses entry counts the central directory cannot hold, at once', () => {
    const zip = sample();
    const { view, end } = layout(zip);
    view.setUint16(end + 10, 0xfffe, true);
    expectCheckpointError(() => readZip(zip), '65534 entries cannot fit');
    // A zip64 count of 2^32 − 1 in PyTorch's own zip64 record.
    const torch = fixture('checkpoints/views.pt');
    const t = layout(torch);
    t.view.setUint16(t.end + 10, 0xffff, true);
    const zip64End = Number(t.view.getBigUint64(t.end - 12, true));
    t.view.setUint32(zip64End + 32, 0xffffffff, true);
    const started = performance.now();
    expectCheckpointError(() => readZip(torch), '4294967295 entries cannot fit');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('refuses a zip64 marker without zip64 records', () => {
    const zip = sample();
    const { view, end } = layout(zip);
    view.setUint32(end + 16, 0xffffffff, true);
    expectCheckpointError(() => readZip(zip), 'asks for zip64 but there is no zip64 locator');
  });

  it('refuses damaged directory entries and local headers', () => {
    const zip = sample();
    const { view, central } = layout(zip);
    view.setUint32(central, 0, true);
    expectCheckpointError(() => readZip(zip), 'central directory entry 0 at byte');
    const other = sample();
    const o = layout(other);
    o.view.setUint32(o.central + 42, 8, true);
    expectCheckpointError(() => readZip(other), 'record r/one has no local header at byte 8');
  });

  it('refuses duplicate names, encryption, unknown compression and invalid names', () => {
    const duplicate = sample();
    const d = layout(duplicate);
    const second = d.central + 46 + d.view.getUint16(d.central + 28, true) + d.view.getUint16(d.central + 30, true);
    duplicate.set(new TextEncoder().encode('r/one'), second + 46);
    expectCheckpointError(() => readZip(duplicate), 'record r/one appears twice');
    const encrypted = sample();
    const e = layout(encrypted);
    e.view.setUint16(e.central + 8, 1, true);
    expectCheckpointError(() => readZip(encrypted), 'record r/one is encrypted');
    const bzip = sample();
    const b = layout(bzip);
    b.view.setUint16(b.central + 10, 12, true);
    expectCheckpointError(() => readZip(bzip), 'uses compression method 12');
    const badName = sample();
    const n = layout(badName);
    badName[n.central + 46] = 0xff;
    expectCheckpointError(() => readZip(badName), 'the name of entry 0 is not valid UTF-8');
  });

  it('refuses a deflated record claiming more than deflate can produce, before allocating', () => {
    const zip = zipSync({ 'a/b': [new Uint8Array(100), { level: 6 }] });
    const { view, central } = layout(zip);
    view.setUint32(central + 24, 0xfffffff0, true);
    expectCheckpointError(() => readZip(zip), /record a\/b claims 4294967280 bytes from \d+ compressed bytes/);
  });

  it('refuses a deflated record that does not inflate to its size', () => {
    const zip = zipSync({ 'a/b': [new Uint8Array(100).fill(1), { level: 6 }] });
    const { view, central } = layout(zip);
    view.setUint32(central + 24, 50, true);
    expectCheckpointError(() => readZip(zip), /record a\/b (inflates to|fails its CRC)/);
  });
});

describe('crc32', () => {
  it('computes the zip CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});
