"""PyTorch's usual frozen-backbone loop, for bench/frozen-epoch.ts: torchvision resnet18
(weights=None), every parameter but fc's with requires_grad=False, the backbone in eval mode,
recomputed every epoch. Images are decoded once into memory (as the studio's decode cache does)
and normalised per channel. Prints {"seconds": [epoch wall times]}.
    python3 bench/frozen_epoch_torch.py DATA SIZE EPOCHS BATCH THREADS
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image

data, size, epochs, batch, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
torch.manual_seed(0)
classes = sorted(os.listdir(data))
xs, ys = [], []
for k, c in enumerate(classes):
    for f in sorted(os.listdir(os.path.join(data, c))):
        img = Image.open(os.path.join(data, c, f)).convert("RGB").resize((size, size))
        xs.append(np.asarray(img, dtype=np.float32) / 255.0)
        ys.append(k)
x = torch.from_numpy(np.stack(xs)).permute(0, 3, 1, 2).contiguous()
x = (x - x.mean((0, 2, 3), keepdim=True)) / x.std((0, 2, 3), keepdim=True)
y = torch.tensor(ys)

model = torchvision.models.resnet18(weights=None, num_classes=len(classes))
for name, p in model.named_parameters():
    p.requires_grad_(name.startswith("fc."))
model.eval()  # the frozen backbone: batch norm on running statistics; fc has no mode-dependent layers
opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01)
seconds = []
for epoch in range(epochs):
    t0 = time.perf_counter()
    order = torch.randperm(len(y))
    for s in range(len(y) // batch):  # drop the last partial batch, as the studio does
        idx = order[s * batch:(s + 1) * batch]
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
    seconds.append(time.perf_counter() - t0)
print(json.dumps({"seconds": seconds}))
