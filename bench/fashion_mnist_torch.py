"""PyTorch side of bench/fashion-mnist.mjs: the same recipes as the studio run, on the same data.

LeNet-5 as the studio template builds it at 1x28x28 (conv 6@5x5 pad 2, ReLU, maxpool 2, conv 16@5x5,
ReLU, maxpool 2, 120, 84, 10), PyTorch's default init, normalisation (x/255 - mean) / std with mean
and std of the training images (what the studio computes on its train split), shuffled batches with
the last partial batch dropped (the studio drops it too), CPU float32 with a fixed thread count.

Recipes:
  adam:    Adam(lr=1e-3), constant lr, no augmentation
  default: AdamW(lr=3e-3, weight_decay=1e-2), OneCycleLR(cycle_momentum=False), RandomCrop(28, pad 2)
           + RandomHorizontalFlip (the studio's defaults)
Prints one JSON line per epoch and a final summary line.
Usage: /usr/bin/python3 bench/fashion_mnist_torch.py --recipe adam --epochs 5 --threads 2 [--idx DIR] [--train N]
"""
import argparse
import gzip
import json
import os
import time

import sys

import numpy as np
import torch
import torch.nn.functional as F

# The same LeNet-5 as the train-step comparison (bench/train_pytorch.py).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_pytorch import LeNet5  # noqa: E402


def read_idx(path):
    with gzip.open(path, 'rb') if path.endswith('.gz') else open(path, 'rb') as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def augment(x, gen):
    """RandomCrop(28, padding=2) + RandomHorizontalFlip on a batch [N, 1, 28, 28]."""
    n = x.shape[0]
    padded = F.pad(x, (2, 2, 2, 2))
    dy = torch.randint(0, 5, (n,), generator=gen)
    dx = torch.randint(0, 5, (n,), generator=gen)
    flip = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        crop = padded[i, :, dy[i]:dy[i] + 28, dx[i]:dx[i] + 28]
        out[i] = crop.flip(-1) if flip[i] else crop
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--recipe', choices=['adam', 'default'], default='adam')
    ap.add_argument('--epochs', type=int, default=5)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--train', type=int, default=0, help='use the first N training images (0: all)')
    ap.add_argument('--test', type=int, default=0)
    ap.add_argument('--idx', default='/usr/share/datasets/fashion-mnist')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    f = lambda n: os.path.join(a.idx, n)
    xtr = read_idx(f('train-images-idx3-ubyte.gz'))
    ytr = read_idx(f('train-labels-idx1-ubyte.gz'))
    xte = read_idx(f('t10k-images-idx3-ubyte.gz'))
    yte = read_idx(f('t10k-labels-idx1-ubyte.gz'))
    if a.train:
        xtr, ytr = xtr[:a.train], ytr[:a.train]
    if a.test:
        xte, yte = xte[:a.test], yte[:a.test]
    mean = float(xtr.mean() / 255.0)
    std = float((xtr / 255.0).std())
    norm = lambda x: (torch.from_numpy(x.astype(np.float32)).unsqueeze(1) / 255.0 - mean) / std
    Xtr, Ytr = norm(xtr), torch.from_numpy(ytr.astype(np.int64))
    Xte, Yte = norm(xte), torch.from_numpy(yte.astype(np.int64))

    model = LeNet5()
    steps_per_epoch = len(Xtr) // a.batch
    if a.recipe == 'adam':
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        sched = None
    else:
        opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-2)
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=3e-3, total_steps=a.epochs * steps_per_epoch, cycle_momentum=False)
    gen = torch.Generator().manual_seed(a.seed)
    epochs = []
    for epoch in range(1, a.epochs + 1):
        model.train()
        perm = torch.randperm(len(Xtr), generator=gen)
        t0 = time.perf_counter()
        loss_sum, correct, seen = 0.0, 0, 0
        for s in range(steps_per_epoch):
            idx = perm[s * a.batch:(s + 1) * a.batch]
            x, y = Xtr[idx], Ytr[idx]
            if a.recipe == 'default':
                x = augment(x, gen)
            opt.zero_grad(set_to_none=True)
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            loss.backward()
            opt.step()
            if sched:
                sched.step()
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
        seconds = time.perf_counter() - t0
        model.eval()
        with torch.no_grad():
            acc = sum((model(Xte[i:i + 1000]).argmax(1) == Yte[i:i + 1000]).sum().item() for i in range(0, len(Xte), 1000)) / len(Xte)
        rec = {'type': 'epoch', 'epoch': epoch, 'trainLoss': loss_sum / seen, 'trainAccuracy': correct / seen, 'testAccuracy': acc, 'seconds': seconds, 'imagesPerSecond': seen / seconds}
        epochs.append(rec)
        print(json.dumps(rec), flush=True)
    print(json.dumps({'type': 'done', 'recipe': a.recipe, 'testAccuracy': epochs[-1]['testAccuracy'], 'epochSeconds': sum(e['seconds'] for e in epochs) / len(epochs), 'threads': a.threads, 'torch': torch.__version__}), flush=True)


if __name__ == '__main__':
    main()
