"""PyTorch side of the train-step benchmark (bench/train-compare.mjs runs it).

Same architectures as the studio templates (LeNet-5 default, ResNet-18 torchvision layout,
GoogLeNet default variant without aux classifiers, torchvision's own MobileNetV2, whose layout
and names the studio's mobilenet_v2 template follows), SGD momentum 0.9, cross-entropy, random data,
float32 on CPU with a fixed thread count, or on a CUDA GPU (--device cuda; bench/gpu-train-step.mjs).
Prints one JSON line per model.
Usage: /usr/bin/python3 bench/train_pytorch.py --threads 2 --steps 20 [--device cpu|cuda] [--batch B] [models...]
"""
import argparse
import json
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class LeNet5(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class BasicBlock(nn.Module):
    def __init__(self, cin, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(y + (self.downsample(x) if self.downsample is not None else x))


class ResNet18(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        layers, cin = [], 64
        for i, planes in enumerate([64, 128, 256, 512]):
            blocks = [BasicBlock(cin, planes, 1 if i == 0 else 2), BasicBlock(planes, planes)]
            layers.append(nn.Sequential(*blocks))
            cin = planes
        self.layer1, self.layer2, self.layer3, self.layer4 = layers
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        x = self.maxpool(F.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class BasicConv(nn.Module):
    def __init__(self, cin, cout, k, stride=1, padding=0):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride, padding, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-3)

    def forward(self, x):
        return F.relu(self.bn(self.conv(x)))


class Inception(nn.Module):
    def __init__(self, cin, n1, n3r, n3, n5r, n5, pp, k5=5):
        super().__init__()
        self.branch1 = BasicConv(cin, n1, 1)
        self.branch2 = nn.Sequential(BasicConv(cin, n3r, 1), BasicConv(n3r, n3, 3, padding=1))
        self.branch3 = nn.Sequential(BasicConv(cin, n5r, 1), BasicConv(n5r, n5, k5, padding=k5 // 2))
        self.branch4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), BasicConv(cin, pp, 1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class GoogLeNet(nn.Module):
    CFG = [('3a', 192, 64, 96, 128, 16, 32, 32), ('3b', 256, 128, 128, 192, 32, 96, 64), 'pool3',
           ('4a', 480, 192, 96, 208, 16, 48, 64), ('4b', 512, 160, 112, 224, 24, 64, 64),
           ('4c', 512, 128, 128, 256, 24, 64, 64), ('4d', 512, 112, 144, 288, 32, 64, 64),
           ('4e', 528, 256, 160, 320, 32, 128, 128), 'pool4',
           ('5a', 832, 256, 160, 320, 32, 128, 128), ('5b', 832, 384, 192, 384, 48, 128, 128)]

    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = BasicConv(3, 64, 7, 2, 3)
        self.maxpool1 = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = BasicConv(64, 64, 1)
        self.conv3 = BasicConv(64, 192, 3, padding=1)
        self.maxpool2 = nn.MaxPool2d(3, 2, ceil_mode=True)
        mods = []
        for c in self.CFG:
            if c == 'pool3':
                mods.append(nn.MaxPool2d(3, 2, ceil_mode=True))
            elif c == 'pool4':
                mods.append(nn.MaxPool2d(2, 2, ceil_mode=True))
            else:
                mods.append(Inception(*c[1:]))
        self.inceptions = nn.Sequential(*mods)
        self.dropout = nn.Dropout(0.2)
        self.fc = nn.Linear(1024, classes)

    def forward(self, x):
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        x = self.inceptions(x)
        return self.fc(self.dropout(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)))


def mobilenet_v2(classes=10):
    # Imported here: the other models need only torch.
    import torchvision
    return torchvision.models.mobilenet_v2(weights=None, num_classes=classes)


MODELS = {
    'lenet5': (LeNet5, (1, 28, 28), 64),
    'resnet18': (ResNet18, (3, 32, 32), 64),
    'googlenet': (GoogLeNet, (3, 64, 64), 32),
    'mobilenet_v2': (mobilenet_v2, (3, 64, 64), 32),
}


def bench(name, steps, warmup, device='cpu', batch=None):
    cls, shape, default_batch = MODELS[name]
    batch = batch or default_batch
    dev = torch.device(device)
    torch.manual_seed(0)
    model = cls(10).to(dev)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    # The batch stays on the device, as the studio's bench feeds the same batch every step.
    x = torch.randn(batch, *shape).to(dev)
    y = torch.randint(0, 10, (batch,)).to(dev)
    # CUDA runs asynchronously: wait for the queued steps before reading the clock.
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(warmup):
        step()
    sync()
    t0 = time.perf_counter()
    c0 = time.process_time()
    for _ in range(steps):
        step()
    sync()
    ms = (time.perf_counter() - t0) * 1000 / steps
    cpu_ms = (time.process_time() - c0) * 1000 / steps
    params = sum(p.numel() for p in model.parameters())
    return {'model': name, 'batch': batch, 'imagesPerSecond': batch * 1000 / ms, 'msPerStep': ms, 'cpuMsPerStep': cpu_ms, 'params': params,
            'threads': torch.get_num_threads(), 'torch': torch.__version__, 'device': device,
            **({'gpu': torch.cuda.get_device_name(dev)} if dev.type == 'cuda' else {})}


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--steps', type=int, default=20)
    ap.add_argument('--warmup', type=int, default=3)
    ap.add_argument('--device', choices=['cpu', 'cuda'], default='cpu')
    ap.add_argument('--batch', type=int, default=None, help='batch size (default: per model, as train-compare.mjs)')
    ap.add_argument('models', nargs='*', default=list(MODELS))
    a = ap.parse_args()
    if a.device == 'cuda' and not torch.cuda.is_available():
        raise SystemExit('--device cuda: this PyTorch build sees no CUDA GPU (torch.cuda.is_available() is False)')
    torch.set_num_threads(a.threads)
    for m in a.models:
        print(json.dumps(bench(m, a.steps, a.warmup, a.device, a.batch)), flush=True)
