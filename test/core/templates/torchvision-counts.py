#!/usr/bin/python3
"""Parameter counts and conv+linear MACs of torchvision models (weights=None).

Usage: torchvision-counts.py C H W CLASSES MODEL...  ->  JSON {model: {"params", "macs"}}
MACs as torchvision counts them: a conv's output elements x (in channels / groups) x kh x kw,
a linear layer's in x out features per sample; bias adds are not counted.
"""
import json
import sys

import torch
import torchvision


def count(name, c, h, w, classes):
    net = getattr(torchvision.models, name)(weights=None, num_classes=classes).eval()
    macs = [0]

    def conv_hook(m, _inputs, out):
        kh, kw = m.kernel_size
        macs[0] += out.numel() * (m.in_channels // m.groups) * kh * kw

    def linear_hook(m, _inputs, out):
        macs[0] += out.numel() * m.in_features

    for m in net.modules():
        if isinstance(m, torch.nn.Conv2d):
            m.register_forward_hook(conv_hook)
        elif isinstance(m, torch.nn.Linear):
            m.register_forward_hook(linear_hook)
    with torch.no_grad():
        net(torch.zeros(1, c, h, w))
    params = sum(p.numel() for p in net.parameters())
    return {"params": params, "macs": macs[0]}


def main():
    c, h, w, classes = (int(v) for v in sys.argv[1:5])
    torch.set_num_threads(1)
    print(json.dumps({m: count(m, c, h, w, classes) for m in sys.argv[5:]}))


main()
