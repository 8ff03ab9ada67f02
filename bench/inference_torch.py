"""PyTorch side of the inference benchmark (bench/inference.ts runs it).

The same architectures as the studio templates (models from bench/train_pytorch.py): LeNet-5 on
1x28x28 with 10 classes, ResNet-18 (torchvision layout) on 3x224x224 with 1000 classes. Eval mode,
torch.inference_mode(), float32 on CPU with a fixed thread count, random input. Prints one JSON
line per (model, batch).
Usage: /usr/bin/python3 bench/inference_torch.py --threads 2 [--seconds 5] [--batches 1,64] [--input CxHxW --classes N] [models...]
(--input/--classes: another input size and class count, as bench/deploy-infer.ts uses; p50Ms/p95Ms are
nearest-rank percentiles of the per-run times.)
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_pytorch import LeNet5, ResNet18  # noqa: E402

MODELS = {
    'lenet5': (lambda classes: LeNet5(classes or 10), (1, 28, 28)),
    'resnet18': (lambda classes: ResNet18(classes or 1000), (3, 224, 224)),
}


def nearest_rank(times, q):
    s = sorted(times)
    return s[min(len(s) - 1, max(0, -(-len(s) * q // 100) - 1))]


def bench(name, batch, seconds, min_iters, shape=None, classes=None):
    make, default_shape = MODELS[name]
    shape = shape or default_shape
    torch.manual_seed(0)
    model = make(classes).eval()
    x = torch.randn(batch, *shape)
    times = []
    with torch.inference_mode():
        for _ in range(3):
            model(x)
        start = time.perf_counter()
        cpu0 = time.process_time()
        while len(times) < min_iters or time.perf_counter() - start < seconds:
            t0 = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - t0)
        cpu = time.process_time() - cpu0
    med = statistics.median(times)
    return {'runtime': 'pytorch', 'model': name, 'batch': batch, 'imagesPerSecond': batch / med, 'msPerBatch': med * 1000,
            'iterations': len(times), 'p50Ms': nearest_rank(times, 50) * 1000, 'p95Ms': nearest_rank(times, 95) * 1000, 'cpuMsPerImage': cpu * 1000 / (len(times) * batch), 'params': sum(p.numel() for p in model.parameters()),
            'threads': torch.get_num_threads(), 'version': torch.__version__}


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seconds', type=float, default=5.0)
    ap.add_argument('--min-iters', type=int, default=5)
    ap.add_argument('--batches', default='1,64')
    ap.add_argument('--input', default=None, help='CxHxW (default: the model\'s own)')
    ap.add_argument('--classes', type=int, default=None)
    ap.add_argument('models', nargs='*', default=list(MODELS))
    a = ap.parse_args()
    shape = tuple(int(d) for d in a.input.split('x')) if a.input else None
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    for m in a.models:
        for b in [int(s) for s in a.batches.split(',')]:
            print(json.dumps(bench(m, b, a.seconds, a.min_iters, shape, a.classes)), flush=True)
