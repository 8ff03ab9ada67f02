"""Reference for test/core/data/resized-crop.test.ts: torchvision's own RandomResizedCrop.get_params
and resized_crop, fed the studio's random numbers.

stdin: {"cases": [{"width", "height", "scale", "ratio", "uniforms": [u0, u1, ...]}],
        "resample": [{"image": [C*H*W uint8], "c", "h", "w", "box": [top, left, height, width], "size": [oh, ow]}]}
torch.empty(1).uniform_(a, b) and torch.randint(lo, hi, (1,)) are replaced, only inside get_params,
by draws from `uniforms` in order (a + (b - a) u and lo + floor(u (hi - lo))): the studio's Rng does
the same with the same numbers, so the boxes must agree exactly. Prints one JSON object:
{"boxes": [[top, left, height, width], ...], "resampled": [[...uint8...], ...]}."""
import json
import math
import sys

import torch
from torchvision import transforms
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F


class Draws:
    def __init__(self, values):
        self.values = list(values)

    def take(self):
        return self.values.pop(0)


class FakeEmpty:
    def __init__(self, draws):
        self.draws = draws

    def uniform_(self, a, b):
        return torch.tensor([a + (b - a) * self.draws.take()], dtype=torch.float64)


def boxes(cases):
    out = []
    real_empty, real_randint = torch.empty, torch.randint
    try:
        for case in cases:
            draws = Draws(case["uniforms"])
            torch.empty = lambda *a, **k: FakeEmpty(draws)
            torch.randint = lambda lo, hi, size: torch.tensor([lo + math.floor(draws.take() * (hi - lo))])
            img = torch.zeros(1, case["height"], case["width"])
            i, j, h, w = transforms.RandomResizedCrop.get_params(img, case["scale"], case["ratio"])
            out.append([int(i), int(j), int(h), int(w)])
    finally:
        torch.empty, torch.randint = real_empty, real_randint
    return out


def resample(items):
    out = []
    for it in items:
        img = torch.tensor(it["image"], dtype=torch.float32).reshape(it["c"], it["h"], it["w"])
        top, left, h, w = it["box"]
        r = F.resized_crop(img, top, left, h, w, it["size"], InterpolationMode.BILINEAR, antialias=False)
        out.append([int(v) for v in r.round().clamp(0, 255).to(torch.uint8).flatten().tolist()])
    return out


req = json.load(sys.stdin)
print(json.dumps({"boxes": boxes(req["cases"]), "resampled": resample(req["resample"])}))
