import { describe, expect, it } from 'vitest';
import * as A from './index.js';

describe('detectAnomaly', () => {
  it('names the node that produced NaN and where its forward op ran', () => {
    const x = A.tensor([-1, 4], { dtype: 'float64', requiresGrad: true });
    let message = '';
    A.detectAnomaly(() => {
      const loss = x.sqrt().sum();
      try {
        loss.backward();
      } catch (error) {
        message = (error as Error).message;
      }
    });
    expect(message).toContain("Function 'SqrtBackward' returned nan values in its 0th output.");
    expect(message).toContain('Traceback of the forward call that created it:');
    expect(message).toContain('anomaly.test.ts');
  });

  it('throws an AutogradError', () => {
    const x = A.tensor([-1], { dtype: 'float64', requiresGrad: true });
    expect(() => A.detectAnomaly(() => x.sqrt().sum().backward())).toThrow(A.AutogradError);
  });

  it('lets NaN gradients through when off', () => {
    const x = A.tensor([-1], { dtype: 'float64', requiresGrad: true });
    x.sqrt().sum().backward();
    expect(Number.isNaN(x.grad!.item())).toBe(true);
  });

  it('is on only inside the call, even when it throws', () => {
    expect(A.isAnomalyEnabled()).toBe(false);
    expect(A.detectAnomaly(A.isAnomalyEnabled)).toBe(true);
    expect(() =>
      A.detectAnomaly(() => {
        throw new A.InvalidArgumentError('boom');
      }),
    ).toThrow('boom');
    expect(A.isAnomalyEnabled()).toBe(false);
  });
});
