/**
 * train.py: the studio's training recipe as a torchrun-ready PyTorch script. The data pipeline
 * follows main/data (same class order, same stratified validation split by hash, same resize
 * policies, augmentation order and normalisation) with PIL + numpy, so torchvision is not needed.
 */
import { pyFloat, pyStr } from './python';
import type { Recipe } from './recipe';

const floats = (v: number[] | null): string => (v ? `[${v.map(pyFloat).join(', ')}]` : 'None');

function hflipProbability(r: Recipe): number {
  const h = r.augment?.hflip;
  return h === true ? 0.5 : typeof h === 'number' ? h : 0;
}

function classesLiteral(classes: string[] | null): string {
  if (!classes) return 'CLASSES = None';
  const one = `CLASSES = [${classes.map(pyStr).join(', ')}]`;
  if (one.length <= 79) return one;
  return ['CLASSES = [', ...classes.map((c) => `    ${pyStr(c)},`), ']'].join('\n');
}

export function trainPy(r: Recipe, title: string): string {
  const s = r.schedule;
  const a = r.augment ?? {};
  return `"""Train ${title} with the recipe exported from CNN Studio.

One process (CPU or one GPU):
    python train.py --data DATA --out runs/a
Several GPUs on this machine:
    torchrun --nproc_per_node 4 train.py --data DATA --out runs/a
Every flag defaults to the studio's setting at export time; see README.md.
"""
import argparse
import json
import math
import os
import time

import numpy as np
import torch
import torch.distributed as dist
from PIL import Image, ImageOps
from torch import nn
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DataLoader, Dataset, Subset
from torch.utils.data.distributed import DistributedSampler

from model import INPUT_SIZE, NUM_CLASSES, build_model

IMAGE_EXTENSIONS = (
    ".png", ".jpg", ".jpeg", ".webp", ".gif", ".tif", ".tiff", ".avif"
)
# The class folders the studio trained on, in output order (None: unknown).
${classesLiteral(r.classes)}


def parse_args():
    p = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--data",
        required=True,
        help="DATA/<class>/..., or DATA/train/<class>/... and DATA/val/...",
    )
    p.add_argument("--out", default="runs/pytorch", help="checkpoint folder")
    p.add_argument("--epochs", type=int, default=${r.epochs})
    p.add_argument(
        "--batch-size",
        type=int,
        default=${r.batchSize},
        help="global batch size, split across the processes",
    )
    p.add_argument(
        "--optimizer", choices=["sgd", "adam", "adamw"], default=${pyStr(r.optimizer)}
    )
    p.add_argument("--lr", type=float, default=${pyFloat(r.lr)})
    p.add_argument("--momentum", type=float, default=${pyFloat(r.momentum)}, help="SGD")
    p.add_argument("--weight-decay", type=float, default=${pyFloat(r.weightDecay)})
    p.add_argument("--label-smoothing", type=float, default=${pyFloat(r.labelSmoothing)})
    p.add_argument(
        "--schedule",
        choices=["constant", "step", "cosine", "onecycle"],
        default=${pyStr(s.kind)},
    )
    p.add_argument("--step-every", type=int, default=${s.everyEpochs ?? 30}, help="step: epochs")
    p.add_argument("--gamma", type=float, default=${pyFloat(s.gamma ?? 0.1)}, help="step: factor")
    p.add_argument(
        "--warmup-steps",
        type=int,
        default=${s.warmupSteps ?? 'None'},
        help="cosine: default one epoch, at most a tenth of the run",
    )
    p.add_argument("--min-lr", type=float, default=${pyFloat(s.minLr ?? 0)}, help="cosine")
    p.add_argument("--pct-start", type=float, default=${pyFloat(s.pctStart ?? 0.3)})
    p.add_argument("--div-factor", type=float, default=${pyFloat(s.divFactor ?? 25)})
    p.add_argument("--final-div-factor", type=float, default=${pyFloat(s.finalDivFactor ?? 1e4)})
    p.add_argument("--crop-padding", type=int, default=${a.cropPadding ?? 0})
    p.add_argument(
        "--resized-crop-scale",
        type=float,
        nargs=2,
        default=${floats(a.resizedCrop ? [...a.resizedCrop.scale] : null)},
        help="RandomResizedCrop area range (imagenet augmentation)",
    )
    p.add_argument(
        "--resized-crop-ratio",
        type=float,
        nargs=2,
        default=${floats(a.resizedCrop ? [...a.resizedCrop.ratio] : null)},
    )
    p.add_argument("--hflip", type=float, default=${pyFloat(hflipProbability(r))})
    p.add_argument("--brightness", type=float, default=${pyFloat(a.brightness ?? 0)})
    p.add_argument("--contrast", type=float, default=${pyFloat(a.contrast ?? 0)})
    p.add_argument(
        "--resize",
        choices=["stretch", "center-crop", "letterbox"],
        default=${pyStr(r.resize)},
    )
    p.add_argument(
        "--mean",
        type=float,
        nargs="+",
        default=${floats(r.mean)},
        help="per channel, in [0, 1] units (default: measured on train/)",
    )
    p.add_argument("--std", type=float, nargs="+", default=${floats(r.std)})
    p.add_argument("--val-split", type=float, default=${pyFloat(r.valSplit)})
    p.add_argument("--patience", type=int, default=${r.patience}, help="0: never")
    p.add_argument("--seed", type=int, default=${r.seed})
    p.add_argument("--workers", type=int, default=4, help="loader processes")
    p.add_argument("--weights", help="initial weights (.safetensors or .pt)")
    p.add_argument("--resume", help="checkpoint to continue, e.g. OUT/last.pt")
    p.add_argument("--amp", action="store_true", help="mixed precision (CUDA)")
    p.add_argument(
        "--sync-bn",
        action="store_true",
        help="batch statistics over all GPUs (CUDA), as one big batch",
    )
    p.add_argument(
        "--eval-only",
        action="store_true",
        help="evaluate --weights or --resume on test/ (else val/) and exit",
    )
    return p.parse_args()


# ---- data: the studio's image-folder conventions ---------------------------


def sub_folders(folder):
    names = os.listdir(folder)
    return sorted(
        n
        for n in names
        if not n.startswith(".") and os.path.isdir(os.path.join(folder, n))
    )


def list_images(folder):
    """Image files under folder (recursively), hidden entries skipped."""
    found = []
    for root, dirs, files in os.walk(folder, followlinks=True):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            lower = name.lower()
            if not name.startswith(".") and lower.endswith(IMAGE_EXTENSIONS):
                found.append(os.path.join(root, name))
    return sorted(found)


def fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    return h ^ (h >> 16)


def hash_string(s, seed):
    """FNV-1a over UTF-16 code units, then fmix32 (the studio's hashString)."""
    h = 0x811C9DC5 ^ (seed & 0xFFFFFFFF)
    data = s.encode("utf-16-le")
    for i in range(0, len(data), 2):
        h ^= data[i] | (data[i + 1] << 8)
        h = (h * 0x01000193) & 0xFFFFFFFF
    return fmix32(h)


def stratified_split(files, root, fraction, seed):
    """The studio's split: per class, the files with the smallest hashes."""
    n = len(files)
    n_val = 0
    if fraction > 0 and n >= 2:
        n_val = min(n - 1, max(1, int(math.floor(n * fraction + 0.5))))
    keys = [os.path.relpath(f, root).replace(os.sep, "/") for f in files]
    ranked = sorted(
        zip(files, keys), key=lambda t: (hash_string(t[1], seed), t[1])
    )
    return [f for f, _ in ranked[n_val:]], [f for f, _ in ranked[:n_val]]


def find_split(names, *wanted):
    for want in wanted:
        for name in names:
            if name.lower() == want:
                return name
    return None


def labelled(folder, classes):
    samples = []
    for name in sub_folders(folder):
        if name not in classes:
            raise SystemExit(f"{folder}/{name}: no such class in train/")
        samples += [(f, classes.index(name)) for f in list_images(
            os.path.join(folder, name))]
    return samples


def scan(root, val_split, seed):
    """(classes, train, validation, evaluation) samples, as the studio reads a
    folder: split folders, or class folders split by hash."""
    top = sub_folders(root)
    train_dir = find_split(top, "train")
    val_dir = find_split(top, "val", "valid", "validation")
    test_dir = find_split(top, "test")
    if train_dir and (val_dir or test_dir):
        classes = sub_folders(os.path.join(root, train_dir))
        train = labelled(os.path.join(root, train_dir), classes)
        val = labelled(os.path.join(root, val_dir or test_dir), classes)
        test = val
        if test_dir:
            test = labelled(os.path.join(root, test_dir), classes)
        return classes, train, val, test
    folder = root
    if train_dir and len(top) == 1:
        folder = os.path.join(root, train_dir)
    classes = sub_folders(folder)
    train, val, every = [], [], []
    for label, name in enumerate(classes):
        files = list_images(os.path.join(folder, name))
        t, v = stratified_split(files, root, val_split, seed)
        train += [(f, label) for f in t]
        val += [(f, label) for f in v]
        every += [(f, label) for f in files]
    return classes, train, val, every


def lanczos(img, width, height, shrink=None):
    """Lanczos-3 resize sampled as libvips (sharp) samples.

    The image's edge pixels are repeated outwards. (Pillow alone drops the
    taps that fall outside and renormalises the rest: up to 9 levels on the
    border rows of a strong gradient, e.g. a transparent edge over white.)
    Given one shrink factor for both axes (crop, letterbox), the source
    span is width x height x shrink centred on the image, not the whole
    image stretched to the rounded output size.
    """
    iw, ih = img.size
    # The kernel reaches 3 source pixels per output pixel's width each way.
    pad = math.ceil(3 * max(iw / width, ih / height, 1.0)) + 1
    a = np.asarray(img)
    margin = ((pad, pad), (pad, pad)) + (((0, 0),) if a.ndim == 3 else ())
    padded = Image.fromarray(np.pad(a, margin, mode="edge"), img.mode)
    if shrink is None:
        bw, bh = iw, ih
    else:
        bw, bh = width * shrink, height * shrink
    x0, y0 = pad + (iw - bw) / 2, pad + (ih - bh) / 2
    box = (x0, y0, x0 + bw, y0 + bh)
    return padded.resize((width, height), Image.LANCZOS, box=box)


def shrink_on_load(img, height, width, policy):
    """Decode a large JPEG at 1/2, 1/4 or 1/8 scale in libjpeg, as sharp does.

    sharp (fastShrinkOnLoad) lets libjpeg scale the DCT when the image is at
    least twice the model's size, by the largest power of two the resize
    leaves room for, one step less when the shrink is exactly that power.
    It sizes the stored (not yet EXIF-turned) image against the model's
    size turned the same way. Without this a 960x720 photo read at 224
    differed by up to 31 levels.
    """
    if img.format != "JPEG":
        return
    if img.getexif().get(0x0112, 1) in (5, 6, 7, 8):
        height, width = width, height
    iw, ih = img.size
    across, down = iw / width, ih / height
    if policy == "letterbox":
        shrink = max(across, down)
    else:
        shrink = min(across, down)
    factor = next((f for f in (8, 4, 2) if shrink >= f), 1)
    if factor > 1 and int(shrink) == factor:
        factor //= 2
    if factor > 1:
        # Pillow keeps at least this size: a scale of exactly 1 / factor.
        img.draft(img.mode, (max(1, iw // factor), max(1, ih // factor)))


def fit(img, height, width, policy):
    """Resize by the studio's policy (Lanczos, as sharp's default)."""
    if img.size == (width, height):
        return img
    if policy == "stretch":
        return lanczos(img, width, height)
    iw, ih = img.size
    if policy == "center-crop":
        scale = max(width / iw, height / ih)
        rw = max(width, round(iw * scale))
        rh = max(height, round(ih * scale))
        # As libvips: the centred offset rounds half up ((37 - 28) / 2 -> 5).
        left, top = (rw - width + 1) // 2, (rh - height + 1) // 2
        img = lanczos(img, rw, rh, 1 / scale)
        return img.crop((left, top, left + width, top + height))
    scale = min(width / iw, height / ih)
    rw, rh = max(1, round(iw * scale)), max(1, round(ih * scale))
    canvas = Image.new(img.mode, (width, height))
    offset = ((width - rw) // 2, (height - rh) // 2)
    canvas.paste(lanczos(img, rw, rh, 1 / scale), offset)
    return canvas


def resized_crop_box(iw, ih, scale, ratio):
    """torchvision's RandomResizedCrop.get_params: (left, top, w, h)."""
    area = iw * ih
    log_lo, log_hi = math.log(ratio[0]), math.log(ratio[1])
    for _ in range(10):
        target = area * uniform(scale[0], scale[1])
        aspect = math.exp(uniform(log_lo, log_hi))
        w = int(round(math.sqrt(target * aspect)))
        h = int(round(math.sqrt(target / aspect)))
        if 0 < w <= iw and 0 < h <= ih:
            top = int(torch.randint(0, ih - h + 1, ()).item())
            left = int(torch.randint(0, iw - w + 1, ()).item())
            return left, top, w, h
    w, h = iw, ih
    if iw / ih < min(ratio):
        h = int(round(w / min(ratio)))
    elif iw / ih > max(ratio):
        w = int(round(h * max(ratio)))
    return (iw - w) // 2, (ih - h) // 2, w, h


def load_image(path, policy, args=None):
    """One file -> float tensor [C, H, W] in [0, 1] at the model's size.
    With args (training, imagenet augmentation): RandomResizedCrop."""
    channels, height, width = INPUT_SIZE
    try:
        with Image.open(path) as opened:
            if args is None or not args.resized_crop_scale:
                shrink_on_load(opened, height, width, policy)
            img = ImageOps.exif_transpose(opened)
            # Transparent pixels over white, as the studio composites them.
            if img.mode in ("RGBA", "LA", "PA", "P"):
                rgba = img.convert("RGBA")
                img = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                img.alpha_composite(rgba)
            img = img.convert("L" if channels == 1 else "RGB")
            if args is not None and args.resized_crop_scale:
                left, top, w, h = resized_crop_box(
                    *img.size, args.resized_crop_scale, args.resized_crop_ratio
                )
                img = img.crop((left, top, left + w, top + h))
                img = img.resize((width, height), Image.BILINEAR)
            else:
                img = fit(img, height, width, policy)
    except OSError as e:
        raise RuntimeError(f"{path}: cannot read the image ({e})") from e
    pixels = np.asarray(img, dtype=np.uint8).reshape(height, width, -1)
    return torch.from_numpy(pixels.copy()).permute(2, 0, 1).float() / 255


def shift(x, dy, dx):
    """out[y, x] = x[y + dy, x + dx], zero outside: RandomCrop(padding)."""
    _, h, w = x.shape
    out = torch.zeros_like(x)
    y0, y1 = max(0, -dy), min(h, h - dy)
    x0, x1 = max(0, -dx), min(w, w - dx)
    if y0 < y1 and x0 < x1:
        out[:, y0:y1, x0:x1] = x[:, y0 + dy:y1 + dy, x0 + dx:x1 + dx]
    return out


def uniform(low, high):
    return low + (high - low) * torch.rand(()).item()


def augment(x, args):
    """Crop, flip, brightness, contrast: the studio's order and rules."""
    pad = args.crop_padding
    if pad > 0:
        dy, dx = torch.randint(-pad, pad + 1, (2,)).tolist()
        x = shift(x, dy, dx)
    if args.hflip > 0 and torch.rand(()).item() < args.hflip:
        x = x.flip(2)
    if args.brightness > 0:
        b = args.brightness
        x = (x * uniform(max(0.0, 1 - b), 1 + b)).clamp(0, 1)
    if args.contrast > 0:
        k = uniform(max(0.0, 1 - args.contrast), 1 + args.contrast)
        if x.shape[0] == 3:
            grey = 0.299 * x[0] + 0.587 * x[1] + 0.114 * x[2]
        else:
            grey = x[0]
        x = (k * x + (1 - k) * grey.mean()).clamp(0, 1)
    return x


class ImageFolder(Dataset):
    def __init__(self, samples, args, mean, std, train):
        self.samples = samples
        self.args = args
        self.mean = torch.tensor(mean).view(-1, 1, 1)
        # A constant channel (std 0) is only centred.
        std = [s if s > 0 else 1.0 for s in std]
        self.std = torch.tensor(std).view(-1, 1, 1)
        self.train = train

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, i):
        path, label = self.samples[i]
        crop_args = self.args if self.train else None
        x = load_image(path, self.args.resize, crop_args)
        if self.train:
            x = augment(x, self.args)
        return (x - self.mean) / self.std, label


def channel_stats(samples, policy):
    """Per-channel mean and (population) std of the train images."""
    total = total_sq = None
    count = 0
    for path, _ in samples:
        x = load_image(path, policy).double().flatten(1)
        s, q = x.sum(1), (x * x).sum(1)
        total = s if total is None else total + s
        total_sq = q if total_sq is None else total_sq + q
        count += x.shape[1]
    mean = total / count
    std = (total_sq / count - mean * mean).clamp(min=0).sqrt()
    return mean.tolist(), std.tolist()


# ---- learning rate: core/train/schedule.ts, per optimizer step -------------


def cos_anneal(start, end, pct):
    return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)


def learning_rate(args, step, steps_per_epoch, total_steps):
    t = max(1, total_steps)
    s = min(max(0, step), t - 1)
    if args.schedule == "constant":
        return args.lr
    if args.schedule == "step":
        epoch = s // max(1, steps_per_epoch)
        return args.lr * args.gamma ** (epoch // max(1, args.step_every))
    if args.schedule == "cosine":
        warm = args.warmup_steps
        if warm is None:
            warm = max(0, min(steps_per_epoch, t // 10))
        warm = min(warm, t - 1)
        if s < warm:
            return args.lr * (s + 1) / warm
        pct = (s - warm) / (t - warm)
        return cos_anneal(args.lr, args.min_lr, pct)
    # One-cycle: PyTorch's OneCycleLR without momentum cycling.
    initial = args.lr / args.div_factor
    lowest = initial / args.final_div_factor
    end1, end2 = args.pct_start * t - 1, t - 1
    if s <= end1:
        return cos_anneal(initial, args.lr, s / end1 if end1 > 0 else 1)
    pct = (s - end1) / (end2 - end1) if end2 > end1 else 1
    return cos_anneal(args.lr, lowest, pct)


# ---- processes, checkpoints, evaluation ------------------------------------


def setup():
    """(rank, world size, device); torchrun sets the environment."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if torch.cuda.is_available():
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    else:
        device = torch.device("cpu")
    if world > 1:
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend)
    return rank, world, device


def all_sum(values, device, world):
    t = torch.tensor(values, dtype=torch.float64, device=device)
    if world > 1:
        dist.all_reduce(t)
    return t.tolist()


def evaluate(model, loader, criterion, device, world):
    """(loss, accuracy, confusion[true][predicted]) over every process's
    share."""
    model.eval()
    loss_sum = 0.0
    confusion = torch.zeros(NUM_CLASSES, NUM_CLASSES, dtype=torch.float64)
    with torch.no_grad():
        for x, y in loader:
            logits = model(x.to(device)).float().cpu()
            loss_sum += criterion(logits, y).item() * len(y)
            for t, p in zip(y.tolist(), logits.argmax(1).tolist()):
                confusion[t, p] += 1
    cells = confusion.flatten().tolist()
    loss_sum, *cells = all_sum([loss_sum] + cells, device, world)
    confusion = torch.tensor(cells).view(NUM_CLASSES, NUM_CLASSES)
    total = confusion.sum().item()
    if total == 0:
        return None, None, confusion
    return loss_sum / total, confusion.trace().item() / total, confusion


def save_checkpoint(path, state):
    """Written to a temporary file first, so a crash keeps the last one."""
    torch.save(state, path + ".tmp")
    os.replace(path + ".tmp", path)


def shard(dataset, rank, world):
    """This process's share, without the padding DistributedSampler adds."""
    return Subset(dataset, list(range(rank, len(dataset), world)))


def log(rank, record):
    if rank == 0:
        print(json.dumps(record), flush=True)


def main():
    args = parse_args()
    rank, world, device = setup()
    torch.manual_seed(args.seed + rank)
    classes, train_set, val_set, eval_set = scan(
        args.data, args.val_split, args.seed
    )
    if len(classes) != NUM_CLASSES:
        raise SystemExit(
            f"{args.data} has {len(classes)} classes; the model has "
            f"{NUM_CLASSES} outputs"
        )
    if CLASSES is not None and classes != CLASSES:
        log(rank, {"warning": "class folders differ from the studio's",
                   "studio": CLASSES, "data": classes})
    mean, std = args.mean, args.std
    if mean is None or std is None:
        mean, std = channel_stats(train_set, args.resize)
    checkpoint = None
    if args.resume:
        checkpoint = torch.load(args.resume, map_location="cpu")
        mean, std = checkpoint["mean"], checkpoint["std"]
    model = build_model(args.weights)
    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
    model.to(device)
    criterion = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    batch = max(1, args.batch_size // world)
    if batch * world != args.batch_size:
        log(rank, {"warning": f"batch {args.batch_size} is not a multiple of "
                   f"{world} processes: {batch} each"})
    workers = {"num_workers": args.workers}
    workers["pin_memory"] = device.type == "cuda"

    def eval_loader(samples):
        data = ImageFolder(samples, args, mean, std, train=False)
        part = shard(data, rank, world)
        return DataLoader(part, batch_size=batch, **workers)

    if args.eval_only:
        loss, acc, confusion = evaluate(
            model, eval_loader(eval_set), criterion, device, world
        )
        log(rank, {"loss": loss, "accuracy": acc, "classes": classes,
                   "confusion": confusion.long().tolist()})
        return finish(world)

    train_data = ImageFolder(train_set, args, mean, std, train=True)
    sampler = DistributedSampler(
        train_data, num_replicas=world, rank=rank, shuffle=True,
        seed=args.seed, drop_last=True,
    )
    train_loader = DataLoader(
        train_data, batch_size=batch, sampler=sampler, drop_last=True,
        **workers,
    )
    val_loader = eval_loader(val_set) if val_set else None
    if args.sync_bn and device.type == "cuda":
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    net = model
    if world > 1:
        ids = [device.index] if device.type == "cuda" else None
        net = DistributedDataParallel(model, device_ids=ids)
    params = model.parameters()
    if args.optimizer == "sgd":
        optimizer = torch.optim.SGD(
            params, lr=args.lr, momentum=args.momentum,
            weight_decay=args.weight_decay,
        )
    elif args.optimizer == "adam":
        optimizer = torch.optim.Adam(
            params, lr=args.lr, weight_decay=args.weight_decay
        )
    else:
        optimizer = torch.optim.AdamW(
            params, lr=args.lr, weight_decay=args.weight_decay
        )
    use_amp = args.amp and device.type == "cuda"
    scaler = torch.cuda.amp.GradScaler(enabled=use_amp)
    steps_per_epoch = len(train_loader)
    if steps_per_epoch == 0:
        raise SystemExit(f"fewer train images than one batch of {batch}")
    total_steps = args.epochs * steps_per_epoch
    start_epoch, step, best, stale = 1, 0, None, 0
    if checkpoint is not None:
        optimizer.load_state_dict(checkpoint["optimizer"])
        scaler.load_state_dict(checkpoint["scaler"])
        start_epoch = checkpoint["epoch"] + 1
        step, best = checkpoint["step"], checkpoint["best_accuracy"]
        stale = checkpoint["stale_epochs"]
    if rank == 0:
        os.makedirs(args.out, exist_ok=True)
    for epoch in range(start_epoch, args.epochs + 1):
        sampler.set_epoch(epoch)
        net.train()
        started = time.time()
        loss_sum = correct = seen = 0.0
        for x, y in train_loader:
            x, y = x.to(device, non_blocking=True), y.to(device)
            lr = learning_rate(args, step, steps_per_epoch, total_steps)
            for group in optimizer.param_groups:
                group["lr"] = lr
            with torch.autocast(device.type, enabled=use_amp):
                logits = net(x)
                loss = criterion(logits, y)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.step(optimizer)
            scaler.update()
            step += 1
            loss_sum += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
        totals = all_sum([loss_sum, correct, seen], device, world)
        loss_sum, correct, seen = totals
        seconds = time.time() - started
        val_loss = val_acc = None
        if val_loader is not None:
            val_loss, val_acc, _ = evaluate(
                model, val_loader, criterion, device, world
            )
        score = val_acc if val_acc is not None else -loss_sum / seen
        improved = best is None or score > best
        best = score if improved else best
        stale = 0 if improved else stale + 1
        log(rank, {"epoch": epoch, "train_loss": loss_sum / seen,
                   "train_accuracy": correct / seen, "val_loss": val_loss,
                   "val_accuracy": val_acc, "lr": lr, "seconds": seconds,
                   "images_per_second": seen / seconds})
        if rank == 0:
            state = {
                "model": model.state_dict(),
                "optimizer": optimizer.state_dict(),
                "scaler": scaler.state_dict(),
                "epoch": epoch,
                "step": step,
                "best_accuracy": best,
                "stale_epochs": stale,
                "classes": classes,
                "mean": mean,
                "std": std,
                "args": vars(args),
            }
            save_checkpoint(os.path.join(args.out, "last.pt"), state)
            if improved:
                save_checkpoint(os.path.join(args.out, "best.pt"), state)
        if args.patience > 0 and stale >= args.patience:
            log(rank, {"stopped_early": epoch})
            break
    finish(world)


def finish(world):
    if world > 1:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
`;
}
