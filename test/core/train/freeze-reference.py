"""PyTorch reference for test/core/train/freeze.test.ts: fine-tuning with a frozen prefix.

Reads JSON on stdin: {"weights": {name: [floats]}, "images": [floats], "labels": [ints],
"lr": float, "momentum": float, "steps": int, "frozen": [module names]}. Builds the test's small
network, puts the frozen modules in eval mode with requires_grad=False (PyTorch's usual frozen
loop), runs `steps` SGD steps on the one batch and prints every parameter and buffer as JSON.
"""
import json
import sys

import torch
from torch import nn

torch.use_deterministic_algorithms(True)
spec = json.load(sys.stdin)
model = nn.ModuleDict({
    "conv1": nn.Conv2d(3, 4, 3, padding=1, bias=False),
    "bn1": nn.BatchNorm2d(4),
    "relu1": nn.ReLU(),
    "drop": nn.Dropout(0.5),
    "conv2": nn.Conv2d(4, 6, 3, stride=2, padding=1),
    "bn2": nn.BatchNorm2d(6),
    "relu2": nn.ReLU(),
    "fc": nn.Linear(6, 3),
})
state = {k: torch.tensor(v, dtype=torch.float32).reshape(model.state_dict()[k].shape) for k, v in spec["weights"].items()}
model.load_state_dict(state, strict=False)
model.train()
for name in spec["frozen"]:
    model[name].eval()
    for p in model[name].parameters():
        p.requires_grad_(False)


def forward(x):
    for name in ["conv1", "bn1", "relu1", "drop", "conv2", "bn2", "relu2"]:
        x = model[name](x)
    return model["fc"](x.mean((2, 3)))


images = torch.tensor(spec["images"], dtype=torch.float32).reshape(-1, 3, 8, 8)
labels = torch.tensor(spec["labels"], dtype=torch.int64)
opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=spec["lr"], momentum=spec["momentum"])
for _ in range(spec["steps"]):
    opt.zero_grad()
    nn.functional.cross_entropy(forward(images), labels).backward()
    opt.step()
print(json.dumps({k: v.reshape(-1).tolist() for k, v in model.state_dict().items() if v.dtype == torch.float32}))
