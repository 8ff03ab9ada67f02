"""PyTorch's side of the per-op train-step profile (bench/train-profile.ts is the studio's).

Runs the same models as bench/train_pytorch.py (SGD momentum 0.9, cross-entropy, random data,
float32, CPU) under torch.profiler and prints self CPU time per op type per step, grouped into the
parts of a step: conv forward, conv input gradient / weight gradient (PyTorch's backward ops for
convolution compute both in one call, so they share a row), batch norm, pooling, activations,
optimizer, and the rest. THREADS=1 matches the studio profile's per-op CPU cost.
Usage: /usr/bin/python3 bench/train_profile_torch.py resnet18 [steps]   (THREADS=1 by default)
"""
import os
import sys

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_pytorch import MODELS  # noqa: E402

GROUPS = [
    ('conv forward', ('aten::mkldnn_convolution', 'aten::thnn_conv2d', 'aten::_slow_conv2d_forward', 'aten::_convolution_depthwise', 'aten::_conv_depthwise2d')),
    ('conv backward (input + weight)', ('aten::convolution_backward', 'aten::mkldnn_convolution_backward', 'aten::_slow_conv2d_backward')),
    ('batch norm', ('aten::native_batch_norm', 'aten::native_batch_norm_backward', 'aten::batch_norm')),
    ('max pool', ('aten::max_pool2d_with_indices', 'aten::max_pool2d_with_indices_backward')),
    ('activations', ('aten::relu', 'aten::relu_', 'aten::threshold_backward', 'aten::hardtanh', 'aten::hardtanh_', 'aten::hardtanh_backward', 'aten::clamp_min_')),
    ('linear', ('aten::addmm', 'aten::mm')),
    ('optimizer', ('aten::add_', 'aten::mul_', 'aten::_foreach_add_', 'aten::_foreach_mul_')),
]


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else 'resnet18'
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    torch.set_num_threads(int(os.environ.get('THREADS', '1')))
    torch.manual_seed(0)
    cls, shape, batch = MODELS[name]
    model = cls()
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    x = torch.randn(batch, *shape)
    y = torch.randint(0, 10, (batch,))

    def step():
        opt.zero_grad(set_to_none=True)
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()

    for _ in range(3):
        step()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(steps):
            step()
    rows = {e.key: e.self_cpu_time_total / steps / 1000 for e in prof.key_averages()}
    total = sum(rows.values())
    print(f'{name} batch {batch}: self CPU {total:.1f} ms/step, {torch.get_num_threads()} thread(s)')
    seen = set()
    for label, ops in GROUPS:
        ms = sum(rows.get(o, 0) for o in ops)
        seen.update(ops)
        print(f'{ms:9.2f} ms  {label}')
    print(f'{sum(v for k, v in rows.items() if k not in seen):9.2f} ms  other')
    print('--- top ops')
    for k, v in sorted(rows.items(), key=lambda kv: -kv[1])[:15]:
        print(f'{v:9.2f} ms  {k}')


if __name__ == '__main__':
    main()
