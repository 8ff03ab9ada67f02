"""PyTorch side of bench/infer-compare.mjs: one template's network in eval mode.

  /usr/bin/python3 bench/infer_compare_torch.py init MODEL OUT_PTH --shape C,H,W --classes K [--pytorch-dir DIR]
      builds the network (the studio's export-pytorch model.py in DIR, else torchvision's model) with
      PyTorch's seeded initialisation and measured batch norm statistics, and saves its state dict to
      OUT_PTH, which `cnn-studio template MODEL --weights OUT_PTH` loads by name.
  /usr/bin/python3 bench/infer_compare_torch.py logits MODEL PTH INPUT_BIN OUT_BIN --shape N,C,H,W --classes K [--pytorch-dir DIR]
      logits of the float32 input in INPUT_BIN, written as float32 to OUT_BIN.
  /usr/bin/python3 bench/infer_compare_torch.py time MODEL PTH --shape N,C,H,W --classes K [--threads 2]
      [--warmup 5] [--runs 30] [--seconds 2] [--pytorch-dir DIR]
      times model(x) under torch.inference_mode() as `cnn-studio bench infer` times session.run: the
      warm-up runs, then timed runs until both --runs and --seconds are reached (at most 60 s past
      that); prints one JSON line {p50Ms, p95Ms, imagesPerSecond, runs, cpuMsPerImage, threads, version}.
      p50/p95 are nearest-rank percentiles of the per-run wall times, images/s = batch / p50.
"""
import argparse
import importlib.util
import json
import os
import time

import numpy
import torch
import torchvision

TORCHVISION = {
    'alexnet': lambda k: torchvision.models.alexnet(num_classes=k),
    'vgg16': lambda k: torchvision.models.vgg16(num_classes=k),
    # The studio's torchvision variant: no auxiliary heads (eval never runs them), no transform_input.
    'googlenet': lambda k: torchvision.models.googlenet(num_classes=k, aux_logits=False, transform_input=False),
    'resnet18': lambda k: torchvision.models.resnet18(num_classes=k),
    'resnet50': lambda k: torchvision.models.resnet50(num_classes=k),
    'mobilenet_v2': lambda k: torchvision.models.mobilenet_v2(num_classes=k),
    'mobilenet_v3_small': lambda k: torchvision.models.mobilenet_v3_small(num_classes=k),
    'mobilenet_v3_large': lambda k: torchvision.models.mobilenet_v3_large(num_classes=k),
    'efficientnet_b0': lambda k: torchvision.models.efficientnet_b0(num_classes=k),
}


def build(name, classes, pytorch_dir):
    """The studio's export-pytorch model.py where given (LeNet-5; AlexNet and VGG16 off 224x224), else torchvision's."""
    if pytorch_dir:
        spec = importlib.util.spec_from_file_location('studio_model', os.path.join(pytorch_dir, 'model.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.build_model()
    if name not in TORCHVISION:
        raise SystemExit(f'{name}: torchvision has no such model; pass --pytorch-dir (the folder `cnn-studio export-pytorch` wrote)')
    return TORCHVISION[name](classes)


def measure_batch_norm(model, shape):
    """Running statistics of every batch norm measured on N(0, 1) images (4 batches, cumulative
    average; the rest of the network in eval mode), so that activations stay normalised in eval mode. A fresh model's (mean 0,
    variance 1) shrink EfficientNet-B0's features to ~1e-12: its logits would equal the classifier's
    bias whatever the input, and a logit check would pass vacuously."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for bn in bns:
        bn.momentum = None
        bn.reset_running_stats()
    if bns:
        model.eval()  # dropout and stochastic depth as at inference; only batch norm measures
        for bn in bns:
            bn.train()
        with torch.no_grad():
            for _ in range(4):
                model(torch.randn(8, *shape))
    return model.eval()


def restore(name, classes, pth, pytorch_dir):
    model = build(name, classes, pytorch_dir)
    model.load_state_dict(torch.load(pth))
    return model.eval()


def nearest_rank(times, q):
    s = sorted(times)
    return s[min(len(s) - 1, max(0, -(-len(s) * q // 100) - 1))]


def time_model(model, shape, warmup, runs, seconds):
    x = torch.randn(*shape)
    times = []
    with torch.inference_mode():
        for _ in range(warmup):
            model(x)
        start = time.perf_counter()
        cpu0 = time.process_time()
        while True:
            elapsed = time.perf_counter() - start
            if (len(times) >= runs and elapsed >= seconds) or (times and elapsed >= max(seconds, 60)):
                break
            t0 = time.perf_counter()
            model(x)
            times.append(time.perf_counter() - t0)
        cpu = time.process_time() - cpu0
    p50 = nearest_rank(times, 50)
    return {'p50Ms': p50 * 1000, 'p95Ms': nearest_rank(times, 95) * 1000, 'imagesPerSecond': shape[0] / p50, 'runs': len(times),
            'cpuMsPerImage': cpu * 1000 / (len(times) * shape[0]), 'threads': torch.get_num_threads(), 'version': torch.__version__}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['init', 'logits', 'time'])
    ap.add_argument('model')
    ap.add_argument('files', nargs='+')
    ap.add_argument('--pytorch-dir')
    ap.add_argument('--classes', type=int, default=1000)
    ap.add_argument('--shape', required=True, type=lambda s: tuple(int(d) for d in s.split(',')))
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--warmup', type=int, default=5)
    ap.add_argument('--runs', type=int, default=30)
    ap.add_argument('--seconds', type=float, default=2.0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.set_num_interop_threads(1)
    if a.mode == 'init':
        torch.manual_seed(0)
        model = measure_batch_norm(build(a.model, a.classes, a.pytorch_dir), a.shape)
        torch.save(model.state_dict(), a.files[0])
        print(json.dumps({'params': sum(p.numel() for p in model.parameters())}))
    elif a.mode == 'logits':
        pth, input_bin, out_bin = a.files
        model = restore(a.model, a.classes, pth, a.pytorch_dir)
        x = torch.from_numpy(numpy.fromfile(input_bin, dtype='float32').reshape(a.shape))
        with torch.inference_mode():
            model(x).numpy().astype('float32').tofile(out_bin)
    else:
        model = restore(a.model, a.classes, a.files[0], a.pytorch_dir)
        print(json.dumps(time_model(model, a.shape, a.warmup, a.runs, a.seconds)))


if __name__ == '__main__':
    main()
