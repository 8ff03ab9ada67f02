#!/usr/bin/python3
"""torchvision models exported to ONNX as torch.onnx.export writes them (eval mode, so batch norm
is folded into the convs; opset 17; dynamic batch), for the import tests.

Usage: torchvision-onnx.py OUT_DIR C H W CLASSES MODEL...  ->  OUT_DIR/MODEL.onnx
"""
import os
import sys

import torch
import torchvision


def main():
    out = sys.argv[1]
    c, h, w, classes = (int(v) for v in sys.argv[2:6])
    torch.set_num_threads(1)
    for name in sys.argv[6:]:
        torch.manual_seed(0)
        net = getattr(torchvision.models, name)(weights=None, num_classes=classes).eval()
        torch.onnx.export(
            net,
            torch.randn(1, c, h, w),
            os.path.join(out, name + ".onnx"),
            input_names=["input"],
            output_names=["logits"],
            opset_version=17,
            dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}},
        )


main()
