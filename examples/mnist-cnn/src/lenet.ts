import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@torchlet/serialize';

/**
 * LeNet-5 (LeCun et al., 1998) with ReLU and max pooling, for 1×28×28 digits: two convolutions of
 * 5×5 kernels, each followed by ReLU and 2×2 max pooling, then three linear layers to ten logits.
 * 61,706 parameters. Its state-dict keys (`0.weight`, `3.weight`, `7.weight`, …) are those of the
 * same `nn.Sequential` in PyTorch (see README.md).
 */
export function lenet(): Sequential {
  return new Sequential(
    new Conv2d(1, 6, 5, { padding: 2 }), // 6×28×28
    new ReLU(),
    new MaxPool2d(2), // 6×14×14
    new Conv2d(6, 16, 5), // 16×10×10
    new ReLU(),
    new MaxPool2d(2), // 16×5×5
    new Flatten(),
    new Linear(400, 120),
    new ReLU(),
    new Linear(120, 84),
    new ReLU(),
    new Linear(84, 10),
  );
}
