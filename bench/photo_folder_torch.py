"""torchvision's side of bench/photo-folder.ts: ImageFolder + DataLoader over the same folder.

    python3 bench/photo_folder_torch.py ROOT SIZE MODE [--workers 2]
MODE: "first" = Resize(SIZE*8/7) + CenterCrop(SIZE) + ToTensor, every file decoded (what the
studio's first pass does); "imagenet" = RandomResizedCrop(SIZE) + RandomHorizontalFlip +
ColorJitter(0.4, 0.4) + ToTensor (an epoch of the imagenet preset, decoding every JPEG again).
Prints one JSON line: {"mode", "images", "seconds", "imagesPerSecond"}."""
import argparse
import json
import time

import torch
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

p = argparse.ArgumentParser()
p.add_argument("root")
p.add_argument("size", type=int)
p.add_argument("mode", choices=["first", "imagenet"])
p.add_argument("--workers", type=int, default=2)
p.add_argument("--batch", type=int, default=64)
a = p.parse_args()
torch.set_num_threads(1)
if a.mode == "first":
    tf = transforms.Compose([transforms.Resize(a.size * 8 // 7), transforms.CenterCrop(a.size), transforms.ToTensor()])
else:
    tf = transforms.Compose([
        transforms.RandomResizedCrop(a.size),
        transforms.RandomHorizontalFlip(),
        transforms.ColorJitter(0.4, 0.4),
        transforms.ToTensor(),
    ])
ds = datasets.ImageFolder(a.root, transform=tf)
loader = DataLoader(ds, batch_size=a.batch, shuffle=a.mode == "imagenet", num_workers=a.workers)
t0 = time.perf_counter()
n = 0
for x, _ in loader:
    n += x.shape[0]
s = time.perf_counter() - t0
print(json.dumps({"mode": a.mode, "images": n, "seconds": s, "imagesPerSecond": n / s}))
