#!/usr/bin/python3
"""Seeded torchvision models and their eval logits, for the studio's templates to reproduce.

Usage: torchvision-reference.py OUT_DIR C H W CLASSES MODEL...
For each model (weights=None, torch.manual_seed(0), then batch norm statistics and affine
parameters drawn at random so they matter) writes OUT_DIR/MODEL/: every state dict tensor as
little-endian float32 (<name>.bin), input.bin (2 x C x H x W, seeded normal), logits.bin and
manifest.json {"tensors": {name: shape}, "input": shape, "logits": shape}.
"""
import json
import os
import sys

import torch
import torchvision


def randomise_norms(net):
    g = torch.Generator().manual_seed(1)
    for m in net.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            n = m.num_features
            m.weight.data = 0.5 + torch.rand(n, generator=g)
            m.bias.data = 0.2 * (torch.rand(n, generator=g) - 0.5)
            m.running_mean.data = 0.2 * (torch.rand(n, generator=g) - 0.5)
            m.running_var.data = 0.5 + torch.rand(n, generator=g)


def write(path, t):
    t.detach().contiguous().numpy().astype("<f4").tofile(path)


def reference(out, name, c, h, w, classes):
    torch.manual_seed(0)
    net = getattr(torchvision.models, name)(weights=None, num_classes=classes)
    randomise_norms(net)
    net.eval()
    x = torch.randn(2, c, h, w, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        y = net(x)
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    tensors = {}
    for k, v in net.state_dict().items():
        if k.endswith("num_batches_tracked"):
            continue
        write(os.path.join(d, k + ".bin"), v.float())
        tensors[k] = list(v.shape)
    write(os.path.join(d, "input.bin"), x)
    write(os.path.join(d, "logits.bin"), y)
    manifest = {"tensors": tensors, "input": list(x.shape), "logits": list(y.shape)}
    json.dump(manifest, open(os.path.join(d, "manifest.json"), "w"))


def main():
    out = sys.argv[1]
    c, h, w, classes = (int(v) for v in sys.argv[2:6])
    torch.set_num_threads(1)
    for name in sys.argv[6:]:
        reference(out, name, c, h, w, classes)


main()
