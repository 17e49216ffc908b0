import { describe, expect, it } from 'vitest';
import { EpochProgress } from './progress.js';

const stats = (done: number) => ({ done, total: 100, loss: 0.5, accuracy: 0.9, samplesPerSecond: 1000 });

describe('EpochProgress', () => {
  it('redraws one line with \\r on a terminal, at most every 100 ms', () => {
    const written: string[] = [];
    let time = 0;
    const progress = new EpochProgress({ write: (t) => written.push(t), isTTY: true }, 'epoch 1/2', () => time);
    progress.update(stats(10));
    time = 50;
    progress.update(stats(20));
    time = 150;
    progress.update(stats(50));
    progress.finish(stats(100), 'test 97.00%');
    expect(written).toHaveLength(3);
    expect(written[0]).toBe('\repoch 1/2 ██░░░░░░░░░░░░░░░░░░░░░░  10/100  loss 0.5000  acc  90.0%   1000 samples/s');
    expect(written[1]!.startsWith('\repoch 1/2 ████████████░░░░')).toBe(true);
    expect(written[2]!.endsWith('epoch 1/2 ████████████████████████ 100/100  loss 0.5000  acc  90.0%   1000 samples/s  test 97.00%\n')).toBe(true);
  });

  it('prints one plain line per epoch elsewhere', () => {
    const written: string[] = [];
    const progress = new EpochProgress({ write: (t) => written.push(t), isTTY: false }, 'epoch 1/2');
    progress.update(stats(10));
    progress.finish(stats(100), 'test 97.00%');
    expect(written).toEqual(['epoch 1/2 100/100  loss 0.5000  acc  90.0%   1000 samples/s  test 97.00%\n']);
  });
});
