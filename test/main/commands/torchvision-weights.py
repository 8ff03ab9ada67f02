"""Seeded torchvision models (weights=None) saved as torch.save state_dicts, with their logits.

  python3 torchvision-weights.py OUT SIZE
writes OUT/<model>.pth and OUT/<model>.json {"input": [...], "shape": [2,3,S,S], "logits": [...]}
for resnet18, googlenet, mobilenet_v3_small and efficientnet_b0. GoogLeNet keeps its auxiliary classifiers in the file, as torchvision's
published file does (the studio skips them), and runs without transform_input, which the studio
folds into its normalisation instead.
"""
import json, os, sys

import torch
import torchvision

out, size = sys.argv[1], int(sys.argv[2])
torch.set_num_threads(1)
models = {
    "resnet18": lambda: torchvision.models.resnet18(weights=None),
    "googlenet": lambda: torchvision.models.googlenet(weights=None, aux_logits=True, transform_input=False, init_weights=True),
    "mobilenet_v3_small": lambda: torchvision.models.mobilenet_v3_small(weights=None),
    "efficientnet_b0": lambda: torchvision.models.efficientnet_b0(weights=None),
}
for i, (name, make) in enumerate(models.items()):
    torch.manual_seed(10 + i)
    m = make()
    # Non-trivial batch norm statistics, so that inference-mode batch norm is checked too.
    for mod in m.modules():
        if isinstance(mod, torch.nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.2, 0.2)
            mod.running_var.uniform_(0.5, 1.5)
    m.eval()
    torch.save(m.state_dict(), os.path.join(out, f"{name}.pth"))
    x = torch.randn(2, 3, size, size)
    with torch.no_grad():
        y = m(x)
    with open(os.path.join(out, f"{name}.json"), "w") as f:
        json.dump({"input": x.flatten().tolist(), "shape": list(x.shape), "logits": y.flatten().tolist()}, f)
