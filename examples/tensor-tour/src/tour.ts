import { arange, conv2d, manualSeed, matmul, maxPool2d, randn, softmax, tensor, type Tensor } from '@torchlet/tensor';

/** One step of the tour: a heading and what it printed. */
export interface TourStep {
  title: string;
  lines: string[];
}

/**
 * A short tour of @torchlet/tensor: creation, views, broadcasting, reductions, matmul and the
 * neural-net kernels, each printed the way PyTorch prints it.
 */
export function tour(): TourStep[] {
  const steps: TourStep[] = [];
  const show = (title: string, ...values: (Tensor | string)[]) => steps.push({ title, lines: values.map(String) });

  const x = arange(12, { dtype: 'float32' }).reshape(3, 4);
  show('x = arange(12).reshape(3, 4)', x);
  show("x.index(':', '1:3') is a view: writing to it writes to x", x.index(':', '1:3').mul_(10), x);
  show('broadcasting: x + tensor([100, 200, 300, 400])', x.add(tensor([100, 200, 300, 400])));
  show('reductions: x.sum(1), x.mean(0), x.max(1).indices', x.sum(1), x.mean(0), x.max(1).indices);

  manualSeed(0);
  const w = randn(4, 2);
  show('manualSeed(0); randn(4, 2) (the same numbers as torch.manual_seed(0); torch.randn(4, 2))', w);
  show('softmax(x @ w / 100, -1)', softmax(matmul(x, w).div(100), -1));

  const image = arange(16, { dtype: 'float32' }).reshape(1, 1, 4, 4);
  const edge = tensor([[[[1, -1]]]], { dtype: 'float32' });
  show('conv2d with a [1, -1] edge filter, then 2×2 max pooling', conv2d(image, edge), maxPool2d(image, 2).output);
  return steps;
}
