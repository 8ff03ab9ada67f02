/**
 * The studio's built-in composites as hand-written, parameterised PyTorch classes (torchvision's
 * layout and names, which the studio's expansions follow), and the constructor call of one
 * instance. The logits tests check these classes against the studio's own expansion.
 */
import { bool, num, str } from '../blocks/params';
import type { CompositeItem } from './structure';
import { call, pyFloat, type Py } from './python';

export type BuiltinClass = 'BasicBlock' | 'Bottleneck' | 'residual_stage' | 'Inception' | 'BasicConv2d' | 'SqueezeExcitation';

export function residualCtor(item: CompositeItem, use: (c: BuiltinClass) => void): Py {
  const P = item.params;
  const cls = str(P, 'variant') === 'bottleneck' ? 'Bottleneck' : 'BasicBlock';
  use(cls);
  const inC = String(item.inShapes[0]![0]);
  const kw: [string, Py][] = [];
  if (num(P, 'stride') !== 1) kw.push(['stride', String(num(P, 'stride'))]);
  if (num(P, 'eps') !== 1e-5) kw.push(['eps', pyFloat(num(P, 'eps'))]);
  if (num(P, 'repeat') === 1) return call(cls, [inC, String(num(P, 'planes'))], kw);
  use('residual_stage');
  return call('residual_stage', [cls, inC, String(num(P, 'planes')), String(num(P, 'repeat'))], kw);
}

export function inceptionCtor(item: CompositeItem, use: (c: BuiltinClass) => void): Py {
  const P = item.params;
  use('Inception');
  use('BasicConv2d');
  const args = [String(item.inShapes[0]![0]), ...['n1x1', 'n3x3red', 'n3x3', 'n5x5red', 'n5x5', 'poolProj'].map((k) => String(num(P, k)))];
  const kw: [string, Py][] = [];
  if (num(P, 'branchKernel') !== 5) kw.push(['kernel', String(num(P, 'branchKernel'))]);
  if (!bool(P, 'batchNorm')) kw.push(['batch_norm', 'False']);
  if (num(P, 'eps') !== 1e-3) kw.push(['eps', pyFloat(num(P, 'eps'))]);
  return call('Inception', args, kw);
}

/** The PyTorch modules of the squeeze-excite block's activation and gate choices. */
const SE_MODULES: Readonly<Record<string, Py>> = { relu: 'nn.ReLU', silu: 'nn.SiLU', sigmoid: 'nn.Sigmoid', hardsigmoid: 'nn.Hardsigmoid' };

export function squeezeExciteCtor(item: CompositeItem, use: (c: BuiltinClass) => void): Py {
  const P = item.params;
  use('SqueezeExcitation');
  const kw: [string, Py][] = [];
  if (str(P, 'activation') !== 'relu') kw.push(['activation', SE_MODULES[str(P, 'activation')]!]);
  if (str(P, 'gate') !== 'sigmoid') kw.push(['scale_activation', SE_MODULES[str(P, 'gate')]!]);
  return call('SqueezeExcitation', [String(item.inShapes[0]![0]), String(num(P, 'squeeze'))], kw);
}

/** Source of each built-in class, in an order where every class follows what it uses. */
export const BUILTIN_ORDER: BuiltinClass[] = ['BasicBlock', 'Bottleneck', 'residual_stage', 'BasicConv2d', 'Inception', 'SqueezeExcitation'];

export const BUILTIN_CODE: Record<BuiltinClass, string> = {
  BasicBlock: `class BasicBlock(nn.Module):
    """ResNet basic block (the studio's residual block, variant basic).

    conv1 3x3 (stride) -> bn1 -> relu1 -> conv2 3x3 -> bn2, plus the shortcut
    (a strided 1x1 projection when the shape changes), then ReLU.
    """

    expansion = 1

    def __init__(self, in_channels, planes, stride=1, eps=1e-5):
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, planes, 3, stride=stride, padding=1, bias=False
        )
        self.bn1 = nn.BatchNorm2d(planes, eps=eps)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(planes, planes, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, eps=eps)
        self.downsample = None
        if stride != 1 or in_channels != planes:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, planes, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes, eps=eps),
            )
        self.relu = nn.ReLU()

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + shortcut)
`,
  Bottleneck: `class Bottleneck(nn.Module):
    """ResNet bottleneck block (the studio's residual block, bottleneck).

    conv1 1x1 -> bn1 -> relu1 -> conv2 3x3 (stride) -> bn2 -> relu2 ->
    conv3 1x1 (4 x planes) -> bn3, plus the shortcut, then ReLU.
    """

    expansion = 4

    def __init__(self, in_channels, planes, stride=1, eps=1e-5):
        super().__init__()
        out_channels = planes * self.expansion
        self.conv1 = nn.Conv2d(in_channels, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes, eps=eps)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(
            planes, planes, 3, stride=stride, padding=1, bias=False
        )
        self.bn2 = nn.BatchNorm2d(planes, eps=eps)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(planes, out_channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(out_channels, eps=eps)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(
                    in_channels, out_channels, 1, stride=stride, bias=False
                ),
                nn.BatchNorm2d(out_channels, eps=eps),
            )
        self.relu = nn.ReLU()

    def forward(self, x):
        shortcut = x if self.downsample is None else self.downsample(x)
        out = self.relu1(self.bn1(self.conv1(x)))
        out = self.relu2(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + shortcut)
`,
  residual_stage: `def residual_stage(block, in_channels, planes, repeat, stride=1, eps=1e-5):
    """A residual block repeated: only the first copy strides or widens."""
    layers = []
    for i in range(repeat):
        layers.append(block(in_channels, planes, stride if i == 0 else 1, eps))
        in_channels = planes * block.expansion
    return nn.Sequential(*layers)
`,
  BasicConv2d: `class BasicConv2d(nn.Module):
    """Conv -> batch norm -> ReLU (torchvision's BasicConv2d).

    Without batch norm the conv has a bias and there is no bn.
    """

    def __init__(self, in_channels, out_channels, kernel, batch_norm, eps):
        super().__init__()
        self.conv = nn.Conv2d(
            in_channels,
            out_channels,
            kernel,
            padding=kernel // 2,
            bias=not batch_norm,
        )
        self.bn = nn.BatchNorm2d(out_channels, eps=eps) if batch_norm else None
        self.relu = nn.ReLU()

    def forward(self, x):
        x = self.conv(x)
        if self.bn is not None:
            x = self.bn(x)
        return self.relu(x)
`,
  Inception: `class Inception(nn.Module):
    """GoogLeNet's Inception module (the studio's inception block).

    Four branches concatenated along channels: 1x1; 1x1 -> 3x3; 1x1 -> kxk;
    3x3 max pool (stride 1, ceil mode) -> 1x1.
    """

    def __init__(
        self,
        in_channels,
        ch1x1,
        ch3x3red,
        ch3x3,
        ch5x5red,
        ch5x5,
        pool_proj,
        kernel=5,
        batch_norm=True,
        eps=1e-3,
    ):
        super().__init__()

        def unit(cin, cout, k):
            return BasicConv2d(cin, cout, k, batch_norm, eps)

        self.branch1 = unit(in_channels, ch1x1, 1)
        self.branch2 = nn.Sequential(
            unit(in_channels, ch3x3red, 1), unit(ch3x3red, ch3x3, 3)
        )
        self.branch3 = nn.Sequential(
            unit(in_channels, ch5x5red, 1), unit(ch5x5red, ch5x5, kernel)
        )
        self.branch4 = nn.Sequential(
            nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
            unit(in_channels, pool_proj, 1),
        )

    def forward(self, x):
        branches = [self.branch1, self.branch2, self.branch3, self.branch4]
        return torch.cat([branch(x) for branch in branches], dim=1)
`,  SqueezeExcitation: `class SqueezeExcitation(nn.Module):
    """Squeeze-and-excitation (torchvision.ops.SqueezeExcitation's names).

    Global average pool -> fc1 (1x1 conv) -> activation -> fc2 (1x1 conv)
    -> scale_activation: a gate per channel that scales the input.
    """

    def __init__(
        self,
        input_channels,
        squeeze_channels,
        activation=nn.ReLU,
        scale_activation=nn.Sigmoid,
    ):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = activation()
        self.scale_activation = scale_activation()

    def forward(self, x):
        scale = self.avgpool(x)
        scale = self.activation(self.fc1(scale))
        scale = self.scale_activation(self.fc2(scale))
        return scale * x
`,
};
