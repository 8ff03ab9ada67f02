"""Places a torchvision MobileNetV3-Small state_dict (weights=None, seeded) in the studio's weights
cache under the published file name, padded by a zip comment to the published size.

  python3 seed-weights-cache.py CACHE_DIR SIZE_BYTES FILE_NAME

The cache holds only files verified at download, so the studio trusts a cached file of the right
size; this lets the browser test go past the download (which cannot reach the internet here) to
the project opening with the image folder. The bytes are not torchvision's published ones.
"""
import os, sys, zipfile

import torch
import torchvision

cache, size, name = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(os.path.join(cache, "weights"), exist_ok=True)
out = os.path.join(cache, "weights", name)
torch.manual_seed(0)
torch.save(torchvision.models.mobilenet_v3_small(weights=None).state_dict(), out)
pad = 0
for _ in range(5):
    with zipfile.ZipFile(out, "a") as z:
        z.comment = b" " * pad
    now = os.path.getsize(out)
    if now == size:
        break
    pad += size - now
if os.path.getsize(out) != size:
    sys.exit(f"could not pad {out} to {size} bytes (it is {os.path.getsize(out)})")
