import { InvalidArgumentError, type Tensor, tensor, zeros } from '@torchlet/autograd';
import { assertClose } from '@torchlet/autograd/testing';
import { describe, expect, it } from 'vitest';
import { Linear } from './modules/linear.js';
import { Parameter } from './parameter.js';
import { clipGradNorm_, clipGradValue_, parametersToVector, vectorToParameters } from './utils.js';

const f32 = (data: number[], shape: number[] = [data.length]): Tensor => tensor(data, { dtype: 'float32' }).reshape(shape);

/** Two parameters with gradients [[1, −2], [3, 0.5]] and [0.25, −4, 1], and one without. */
function parameters(): [Parameter, Parameter, Parameter] {
  const a = new Parameter(zeros(2, 2));
  const b = new Parameter(zeros(3));
  a.grad = f32([1, -2, 3, 0.5], [2, 2]);
  b.grad = f32([0.25, -4, 1]);
  return [a, b, new Parameter(zeros(1))];
}

// Expected values are PyTorch 1.13's.
describe('clipGradNorm_', () => {
  it('returns the total 2-norm and scales the gradients by maxNorm / (total + 1e-6)', () => {
    const [a, b, c] = parameters();
    const total = clipGradNorm_([a, b, c], 2);
    expect(total.dtype).toBe('float32');
    expect(total.shape).toEqual([]);
    expect(total.item()).toBeCloseTo(5.5958, 4);
    assertClose(a.grad!, f32([0.3574135899543762, -0.7148271799087524, 1.0722408294677734, 0.1787067949771881], [2, 2]));
    assertClose(b.grad!, f32([0.08935339748859406, -1.4296543598175049, 0.3574135899543762]));
    expect(c.grad).toBeNull();
  });

  it('takes the infinity norm', () => {
    const [a, b] = parameters();
    expect(clipGradNorm_([a, b], 1.5, { normType: Infinity }).item()).toBe(4);
    assertClose(b.grad!, f32([0.09374997764825821, -1.4999996423721313, 0.37499991059303284]));
  });

  it('leaves gradients under the limit unchanged', () => {
    const [a, b] = parameters();
    expect(clipGradNorm_([a, b], 100, { normType: 1 }).item()).toBe(11.75);
    expect(a.grad!.tolist()).toEqual([[1, -2], [3, 0.5]]);
  });

  it("takes a single tensor and a module's parameters()", () => {
    const [a] = parameters();
    expect(clipGradNorm_(a, 1).item()).toBeCloseTo(Math.sqrt(14.25), 5);
    const layer = new Linear(2, 1);
    expect(clipGradNorm_(layer.parameters(), 1).item()).toBe(0);
  });

  it('returns a float32 zero when no parameter has a gradient', () => {
    const total = clipGradNorm_([new Parameter(zeros(2))], 1);
    expect([total.item(), total.dtype]).toEqual([0, 'float32']);
  });

  it('scales by a non-finite norm unless errorIfNonfinite', () => {
    const [a] = parameters();
    a.grad = f32([1, Infinity, 3, 0.5], [2, 2]);
    expect(clipGradNorm_(a, 1).item()).toBe(Infinity);
    expect(a.grad.tolist()).toEqual([[0, NaN], [0, 0]]);
  });

  it('throws on a non-finite norm with errorIfNonfinite', () => {
    const [a] = parameters();
    a.grad = f32([1, NaN, 3, 0.5], [2, 2]);
    expect(() => clipGradNorm_(a, 1, { errorIfNonfinite: true })).toThrow(InvalidArgumentError);
    expect(() => clipGradNorm_(a, 1, { errorIfNonfinite: true })).toThrow(
      'clipGradNorm_: The total norm of order 2.0 for gradients from `parameters` is non-finite, so it cannot be clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite=false`',
    );
    expect(() => clipGradNorm_(a, 1, { errorIfNonfinite: true, normType: Infinity })).toThrow(/norm of order inf/);
  });
});

describe('clipGradValue_', () => {
  it('clamps every gradient into [−clipValue, clipValue] and skips missing ones', () => {
    const [a, b, c] = parameters();
    clipGradValue_([a, b, c], 1.5);
    expect(a.grad!.tolist()).toEqual([[1, -1.5], [1.5, 0.5]]);
    expect(b.grad!.tolist()).toEqual([0.25, -1.5, 1]);
    expect(c.grad).toBeNull();
  });
});

describe('parametersToVector', () => {
  it('flattens and joins the parameters in order', () => {
    const a = new Parameter(f32([1, 2, 3, 4], [2, 2]));
    const b = new Parameter(f32([5, 6]));
    expect(parametersToVector([a, b]).tolist()).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('lets gradients flow back to the parameters', () => {
    const a = new Parameter(f32([1, 2, 3, 4], [2, 2]));
    parametersToVector([a]).mul(f32([1, 2, 3, 4])).sum().backward();
    expect(a.grad!.tolist()).toEqual([[1, 2], [3, 4]]);
  });

  it('rejects an empty list', () => expect(() => parametersToVector([])).toThrow(/expected a non-empty iterable of parameters/));
});

describe('vectorToParameters', () => {
  it('makes each parameter a view of the next slice of the vector', () => {
    const a = new Parameter(zeros(2, 2));
    const b = new Parameter(zeros(1));
    const vec = f32([1, 2, 3, 4, 5, 6]);
    vectorToParameters(vec, [a, b]);
    expect(a.tolist()).toEqual([[1, 2], [3, 4]]);
    expect(b.tolist()).toEqual([5]);
    vec.fill_(0);
    expect(a.tolist()).toEqual([[0, 0], [0, 0]]);
    expect(a.requiresGrad).toBe(true);
  });

  it('round-trips with parametersToVector', () => {
    const layer = new Linear(3, 2);
    const before = parametersToVector(layer.parameters()).detach().clone();
    vectorToParameters(before.mul(2), layer.parameters());
    assertClose(parametersToVector(layer.parameters()), before.mul(2));
  });

  it('rejects a vector that is too short', () => {
    expect(() => vectorToParameters(f32([1, 2, 3]), [new Parameter(zeros(2, 3))])).toThrow(/shape '\[2, 3\]' is invalid for input of size 3/);
  });

  it('rejects a non-tensor', () => expect(() => vectorToParameters([1, 2] as unknown as Tensor, [new Parameter(zeros(2))])).toThrow(/expected a Tensor, but got: Array/));
});
