/**
 * Shared by the block files' `pytorch` hooks (core/blocks/*.ts, which say which module computes
 * each block): keyword and padding helpers, and the helper classes model.py defines only when a
 * layer needs them. Padding is resolved to the pads the studio's ONNX export uses
 * (core/blocks/window.ts), so a PyTorch layer computes exactly the same window positions.
 */
import type { Py } from './python';

/** Helper classes model.py defines only when a layer needs them. */
export type Helper = 'PaddedConv2d' | 'PaddedMaxPool2d' | 'PaddedAvgPool2d' | 'MirroredLRN' | 'StochasticDepth';

/** Appends `name=value` to a call's keyword list unless the value is PyTorch's default (`skip`). */
export function kw(list: [string, Py][], name: string, value: Py, skip: boolean): void {
  if (!skip) list.push([name, value]);
}

/** (left, right, top, bottom) as F.pad takes them, from ONNX's [top, left, bottom, right]. */
export const fPad = (p: readonly number[]): string => `(${p[1]}, ${p[3]}, ${p[0]}, ${p[2]})`;
export const symmetric = (p: readonly number[]): boolean => p[0] === p[2] && p[1] === p[3];

export const HELPER_CODE: Record<Helper, string> = {
  PaddedConv2d: `class PaddedConv2d(nn.Conv2d):
    """Conv2d after explicit zero padding (left, right, top, bottom).

    The studio's 'same' padding with a stride puts the odd pixel after, as
    ONNX's SAME_UPPER does; nn.Conv2d only pads evenly.
    """

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, **kwargs)
        self.pad = pad

    def forward(self, x):
        return super().forward(F.pad(x, self.pad))
`,
  PaddedMaxPool2d: `class PaddedMaxPool2d(nn.MaxPool2d):
    """MaxPool2d after explicit -inf padding (left, right, top, bottom)."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, **kwargs)
        self.pad = pad

    def forward(self, x):
        return super().forward(F.pad(x, self.pad, value=float("-inf")))
`,
  PaddedAvgPool2d: `class PaddedAvgPool2d(nn.AvgPool2d):
    """AvgPool2d after explicit zero padding (left, right, top, bottom)."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, **kwargs)
        self.pad = pad

    def forward(self, x):
        return super().forward(F.pad(x, self.pad))
`,
  MirroredLRN: `class MirroredLRN(nn.LocalResponseNorm):
    """LocalResponseNorm with ONNX's window for an even size.

    ONNX (and the studio) put the extra neighbour channel after, PyTorch
    before: reversing the channels before and after swaps the two.
    """

    def forward(self, x):
        return super().forward(x.flip(1)).flip(1)
`,
  StochasticDepth: `class StochasticDepth(nn.Module):
    """torchvision.ops.StochasticDepth(p, "row"): drops whole samples.

    While training, each sample is zeroed with probability p and the rest
    are scaled by 1 / (1 - p); identity at inference.
    """

    def __init__(self, p):
        super().__init__()
        self.p = p

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        shape = [x.shape[0]] + [1] * (x.dim() - 1)
        noise = torch.empty(shape, dtype=x.dtype, device=x.device)
        return x * noise.bernoulli_(survival).div_(survival)
`,
};
