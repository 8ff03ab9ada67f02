"""Small torch modules of the mobile family, exported with torch.onnx (opset 17, eval mode).

For test/core/onnx/import-activations.test.ts: writes <out>/<name>.onnx, <name>.input.bin and
<name>.logits.bin (float32, the module's output for the input) for each module below and for
torchvision's MobileNetV2, MobileNetV3-Small and EfficientNet-B0, and index.json with the shapes.
Weights are seeded PyTorch initialisations (no downloads).

Usage: /usr/bin/python3 torch_mobile_modules.py OUT_DIR
"""
import json
import os
import sys

import torch
import torchvision
from torch import nn
from torchvision.ops import SqueezeExcitation


class Head(nn.Module):
    """Global average pool and a linear classifier, so that every module ends in logits."""

    def __init__(self, c):
        super().__init__()
        self.fc = nn.Linear(c, 5)

    def forward(self, x):
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(x, 1), 1))


class Activations(nn.Module):
    """Each activation as a module: ReLU6 (Clip 0..6), Hardswish, Hardsigmoid, SiLU (Sigmoid + Mul)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.act1 = nn.ReLU6()
        self.conv2 = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.act2 = nn.Hardswish()
        self.conv3 = nn.Conv2d(8, 8, 1)
        self.act3 = nn.SiLU()
        self.conv4 = nn.Conv2d(8, 8, 1)
        self.act4 = nn.Hardsigmoid()
        self.head = Head(8)

    def forward(self, x):
        x = self.act2(self.conv2(self.act1(self.conv(x))))
        return self.head(self.act4(self.conv4(self.act3(self.conv3(x)))))


class Functional(nn.Module):
    """The same ops written functionally inside one module (F.relu6, F.silu, x * gate)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.gate = nn.Conv2d(8, 8, 1)
        self.head = Head(8)

    def forward(self, x):
        x = nn.functional.silu(nn.functional.relu6(self.conv(x)))
        return self.head(x * torch.sigmoid(self.gate(x)))


class MobileV3Block(nn.Module):
    """MobileNetV3's squeeze-excite (ReLU, Hardsigmoid) and EfficientNet's (SiLU, Sigmoid)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, padding=1)
        self.act = nn.Hardswish()
        self.se = SqueezeExcitation(16, 8, nn.ReLU, nn.Hardsigmoid)
        self.conv2 = nn.Conv2d(16, 12, 1)
        self.act2 = nn.SiLU()
        self.se2 = SqueezeExcitation(12, 4, nn.SiLU, nn.Sigmoid)
        self.head = Head(12)

    def forward(self, x):
        x = self.se(self.act(self.conv(x)))
        return self.head(self.se2(self.act2(self.conv2(x))))


MODULES = {"activations": Activations, "functional": Functional, "se_blocks": MobileV3Block}
# Whole torchvision networks (weights=None: seeded initialisation, nothing is downloaded), at 3x64x64.
TORCHVISION = ["mobilenet_v2", "mobilenet_v3_small", "efficientnet_b0"]


def vary_batch_norms(model, seed):
    """Batch-norm statistics and affine terms off 0 and 1: with PyTorch's defaults a deep random
    network's logits shrink to ~1e-9, too small to compare anything by."""
    g = torch.Generator().manual_seed(seed)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm2d):
            c = m.num_features
            m.weight.data = 1 + 0.2 * torch.randn(c, generator=g)
            m.bias.data = 0.1 * torch.randn(c, generator=g)
            m.running_mean.data = 0.1 * torch.randn(c, generator=g)
            m.running_var.data = 0.5 + torch.rand(c, generator=g)


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.set_num_threads(1)
    index = {}
    models = [(name, cls, (2, 3, 8, 8)) for name, cls in MODULES.items()]
    models += [(name, getattr(torchvision.models, name), (1, 3, 64, 64)) for name in TORCHVISION]
    for i, (name, make, shape) in enumerate(models):
        torch.manual_seed(i)
        model = (make(weights=None) if name in TORCHVISION else make()).eval()
        vary_batch_norms(model, 200 + i)
        # Inputs of scale 4, so that ReLU6 caps and Hardswish/Hardsigmoid saturate somewhere.
        x = 4 * torch.randn(*shape, generator=torch.Generator().manual_seed(100 + i))
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(model, x, os.path.join(out, f"{name}.onnx"), opset_version=17,
                          input_names=["input"], output_names=["logits"])
        x.numpy().astype("<f4").tofile(os.path.join(out, f"{name}.input.bin"))
        y.numpy().astype("<f4").tofile(os.path.join(out, f"{name}.logits.bin"))
        index[name] = {"input": list(x.shape), "logits": list(y.shape)}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f)


if __name__ == "__main__":
    main(sys.argv[1])
