/**
 * Models and data the fine-tuning benchmarks share: ResNet-18 as torchvision builds it (names
 * included) from the studio's blocks, and a folder of generated RGB images.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { DocBuilder, type ModelDocument } from '../core/graph/index';
import { createRng } from '../core/data/rng';

/** torchvision's resnet18: conv1 7x7/2, maxpool 3/2, four basic stages of two blocks, avgpool, fc. */
export function resnet18(input: [number, number, number], classes: number): ModelDocument {
  const b = new DocBuilder();
  b.then('input', 'input', { channels: input[0], height: input[1], width: input[2] });
  b.then('conv1', 'conv2d', { filters: 64, kernel: 7, stride: 2, padding: 3, bias: false });
  b.then('bn1', 'batchnorm2d');
  b.then('relu', 'relu');
  b.then('maxpool', 'maxpool2d', { kernel: 3, stride: 2, padding: 1 });
  b.then('layer1', 'residual', { variant: 'basic', planes: 64, stride: 1, repeat: 2 });
  b.then('layer2', 'residual', { variant: 'basic', planes: 128, stride: 2, repeat: 2 });
  b.then('layer3', 'residual', { variant: 'basic', planes: 256, stride: 2, repeat: 2 });
  b.then('layer4', 'residual', { variant: 'basic', planes: 512, stride: 2, repeat: 2 });
  b.then('avgpool', 'globalavgpool');
  b.then('fc', 'output', { classes });
  return b.build();
}

/** `perClass` noisy RGB images per class (class k: a bright square in quadrant k % 4) as root/c<k>/<i>.png. */
export async function writeRgbFolder(root: string, classes: number, perClass: number, size: number): Promise<string> {
  const rng = createRng(5);
  for (let c = 0; c < classes; c++) {
    const dir = path.join(root, `c${c}`);
    await fs.mkdir(dir, { recursive: true });
    for (let i = 0; i < perClass; i++) {
      const px = Buffer.alloc(size * size * 3);
      const half = size >> 1;
      const [qy, qx] = [(c >> 1) & 1, c & 1];
      for (let y = 0; y < size; y++) {
        for (let x = 0; x < size; x++) {
          const inside = Math.floor(y / half) === qy && Math.floor(x / half) === qx;
          for (let k = 0; k < 3; k++) px[(y * size + x) * 3 + k] = (inside ? 160 : 50) + Math.floor(rng.next() * 80);
        }
      }
      await sharp(px, { raw: { width: size, height: size, channels: 3 } })
        .png()
        .toFile(path.join(dir, `${String(i).padStart(4, '0')}.png`));
    }
  }
  return root;
}
