"""PyTorch's process for the torchlet bench: the same cases, inputs and weights, on given threads.

Run by bench/src/main.ts as `python3 bench.py <case file> <result file> [threads]` (1 by default)
when `import torch` works. It reads the cases the parent wrote (bench/src/cases.ts), rebuilds
every input from the same seeds with the same generator (bench/src/data.ts), and writes times and
output samples as JSON in the shape of bench/src/child.ts's ChildResult.
"""

import ctypes
import json
import math
import os
import platform
import re
import sys
import time
import traceback

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def random_data(length, seed):
    """bench/src/data.ts's randomData: an LCG's states scaled to [-1, 1), rounded to float32.

    State i is a^i·s + c·(1 + a + … + a^(i−1)) mod 2^32, computed for all i at once; uint64
    products wrap mod 2^64, which 2^32 divides, so the low 32 bits are exact.
    """
    a, c = np.uint64(1664525), np.uint64(1013904223)
    state = np.uint64((seed & 0xFFFFFFFF) or 1)
    powers = np.cumprod(np.full(length, a, dtype=np.uint64))  # a^1 … a^length
    sums = np.cumsum(np.concatenate(([np.uint64(1)], powers[:-1])))  # 1 + a + … + a^(i−1)
    states = (powers * state + c * sums) & np.uint64(0xFFFFFFFF)
    return (states.astype(np.float64) / 2**31 - 1).astype(np.float32)


def input_data(shape, seed):
    return torch.from_numpy(random_data(math.prod(shape), seed)).reshape(shape)


SAMPLE_SIZE = 1024


def sample_of(x):
    """bench/src/cases.ts's sampleOf: values at evenly spread indices, first and last included."""
    flat = x.detach().reshape(-1).tolist()
    if len(flat) <= SAMPLE_SIZE:
        return flat
    return [flat[(i * (len(flat) - 1)) // (SAMPLE_SIZE - 1)] for i in range(SAMPLE_SIZE)]


def median(values):
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 == 1 else (ordered[middle - 1] + ordered[middle]) / 2


def time_median(run, warmup, warmupMs, minRuns, maxRuns, budgetMs):
    """bench/src/measure.ts's timeMedian."""
    start = time.perf_counter()
    i = 0
    while True:
        elapsed = (time.perf_counter() - start) * 1000
        if i > 0 and (elapsed >= budgetMs or (i >= warmup and elapsed >= warmupMs)):
            break
        if i == 0 and warmup == 0 and warmupMs == 0:
            break
        run()
        i += 1
    times = []
    while len(times) < maxRuns and (len(times) < minRuns or sum(times) < budgetMs):
        begin = time.perf_counter()
        run()
        times.append((time.perf_counter() - begin) * 1000)
    return {"ms": median(times), "runs": len(times)}


def measure_matmul(spec, timing):
    n = spec["n"]
    a = input_data([n, n], spec["seeds"][0])
    b = input_data([n, n], spec["seeds"][1])
    return {"product": sample_of(torch.mm(a, b))}, time_median(lambda: torch.mm(a, b), **timing)


def measure_conv2d(spec, timing):
    seed, padding = spec["seed"], spec["padding"]
    out_channels = spec["weightShape"][0]
    x = input_data(spec["inputShape"], seed)
    w = input_data(spec["weightShape"], seed + 1)
    b = input_data([out_channels], seed + 2)
    if not spec["backward"]:
        with torch.no_grad():
            output = F.conv2d(x, w, b, padding=padding)
            return {"output": sample_of(output)}, time_median(lambda: F.conv2d(x, w, b, padding=padding), **timing)
    leaves = [t.requires_grad_() for t in (x, w, b)]
    upstream = input_data(list(F.conv2d(x, w, b, padding=padding).shape), seed + 3)

    def run():
        for leaf in leaves:
            leaf.grad = None
        output = F.conv2d(x, w, b, padding=padding)
        output.backward(upstream)
        return output

    output = run()
    outputs = {"output": sample_of(output), "inputGradient": sample_of(x.grad), "weightGradient": sample_of(w.grad), "biasGradient": sample_of(b.grad)}
    return outputs, time_median(run, **timing)


MODELS = {
    "mlp": lambda: nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10)),
    "lenet": lambda: nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(400, 120),
        nn.ReLU(),
        nn.Linear(120, 84),
        nn.ReLU(),
        nn.Linear(84, 10),
    ),
}


def measure_training(spec, timing):
    model = MODELS[spec["model"]]()
    parameters = list(model.parameters())
    with torch.no_grad():
        for i, (parameter, described) in enumerate(zip(parameters, spec["parameters"], strict=True)):
            if list(parameter.shape) != described["shape"]:
                raise ValueError(f"parameter {i} is {list(parameter.shape)}, the case says {described['shape']}")
            # bench/src/cases.ts's initialParameters: float32 values times a double bound, rounded to float32.
            values = random_data(parameter.numel(), spec["seed"] * 100 + i).astype(np.float64) * (1 / math.sqrt(described["fanIn"]))
            parameter.copy_(torch.from_numpy(values.astype(np.float32)).reshape(parameter.shape))
    optimizer = torch.optim.Adam(parameters, lr=spec["lr"], betas=tuple(spec["betas"]), eps=spec["eps"])
    x = input_data(spec["inputShape"], spec["seed"])
    target = torch.tensor([(i * 7 + 3) % 10 for i in range(spec["inputShape"][0])], dtype=torch.int64)

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), target)
        loss.backward()
        optimizer.step()
        return loss.item()

    first_loss, second_loss = step(), step()
    return {"firstLoss": [first_loss], "secondLoss": [second_loss]}, time_median(step, **timing)


def measure_chain(spec, timing):
    x = input_data([spec["size"]], spec["seed"])
    run = lambda: torch.tanh(x * 2 + 1) * x  # noqa: E731
    return {"values": sample_of(run())}, time_median(run, **timing)


def snake_case(name):
    return re.sub(r"([A-Z])", r"_\1", name).lower()


def measure_optimizer(spec, timing, warmup):
    parameter = nn.Parameter(input_data([spec["size"]], spec["seed"]))
    parameter.grad = input_data([spec["size"]], spec["seed"] + 1)
    options = {snake_case(k): tuple(v) if isinstance(v, list) else v for k, v in spec["hyperparameters"].items()}
    optimizer = getattr(torch.optim, spec["optimizer"])([parameter], **options)
    optimizer.step()  # creates the state; the step compared with torchlet's
    step = sample_of(parameter)
    return {"step": step}, time_median(optimizer.step, **{**timing, "warmup": warmup}), rule_differs(spec["optimizer"])


def rule_differs(optimizer):
    """Why this PyTorch's rule is not today's (which torchlet follows), or None."""
    if optimizer == "NAdam" and int(torch.__version__.split(".")[0]) < 2:
        return f"PyTorch {torch.__version__}'s NAdam multiplies μₜ into the next μ product twice (fixed in 2.0)"
    return None


def loaded_blas():
    """The files of the BLAS libraries this process loaded (behind libblas.so.3, say)."""
    with open("/proc/self/maps") as maps:
        return sorted({os.path.realpath(line.split()[-1]) for line in maps if re.search(r"blas|mkl", line.split()[-1], re.I)})


def use_threads(threads):
    """Runs torch's kernels and its BLAS library's on `threads` threads.

    torch.set_num_threads sizes torch's own thread pool (convolutions, elementwise ops), but a torch
    built against a generic BLAS (Debian's is) leaves matrix products to the library, and OpenBLAS
    starts one thread per core whatever torch was told: with it, a "one-thread" 1024² matmul ran on
    both cores of the bench machine (8.5 ms, against 17 ms with openblas_set_num_threads(1)).
    """
    torch.set_num_threads(threads)
    for path in loaded_blas():
        library = ctypes.CDLL(path)
        if hasattr(library, "openblas_set_num_threads"):
            library.openblas_set_num_threads(threads)


def blas_library():
    """The BLAS library this process loaded (the file behind libblas.so.3), with a name for the common ones."""
    paths = loaded_blas()
    if not paths:
        return "unknown"
    path = next((p for p in paths if "libblas" in p), paths[0])
    if "openblas" in path.lower():
        return f"OpenBLAS ({path})"
    if "mkl" in path.lower():
        return f"MKL ({path})"
    if "/blas/" in path:
        # Debian's libblas3 is the unoptimised Fortran reference: a 1024² matmul takes ~270 ms, against ~20 ms with OpenBLAS.
        return f"reference BLAS ({path}), unoptimised: PyTorch's matmul and Linear layers run about 10× slower than with OpenBLAS"
    return path


def main():
    case_path, result_path = sys.argv[1:3]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    use_threads(threads)
    with open(case_path) as file:
        case_file = json.load(file)
    timing = case_file["timing"]
    outcomes = []
    for spec in case_file["cases"]:
        kind = spec["kind"]
        try:
            differs = None
            if kind == "optimizer":
                outputs, result, differs = measure_optimizer(spec, timing, case_file["optimizerWarmup"])
            else:
                measure = {"matmul": measure_matmul, "conv2d": measure_conv2d, "training": measure_training, "chain": measure_chain}[kind]
                outputs, result = measure(spec, timing)
            outcome = {"id": spec["id"], **result, "outputs": outputs, **({} if differs is None else {"differs": differs})}
            shown = f"{result['ms']:.2f} ms ({result['runs']} runs)"
        except Exception as error:  # one case's failure shows in its cell, not as a failed run
            traceback.print_exc()
            outcome = {"id": spec["id"], "missing": f"failed: {error}"}
            shown = outcome["missing"]
        print(f"pytorch, {threads} thread{'' if threads == 1 else 's'}: {spec['name']}: {shown}", file=sys.stderr, flush=True)
        outcomes.append(outcome)
    details = [f"PyTorch {torch.__version__} (Python {platform.python_version()}, {sys.executable}), {threads} thread{'' if threads == 1 else 's'} (torch.set_num_threads and, for OpenBLAS, openblas_set_num_threads), BLAS: {blas_library()}"]
    with open(result_path, "w") as file:
        json.dump({"framework": "pytorch", "details": details, "outcomes": outcomes}, file)


if __name__ == "__main__":
    main()
