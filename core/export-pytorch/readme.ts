/** README.md of the exported project: what each file is and the commands to run it. */
import type { Recipe } from './recipe';

export function readmeMd(title: string, r: Recipe, hasWeights: boolean, version: string): string {
  const sched = r.schedule.kind;
  return `# ${title}: PyTorch project

Exported by CNN Studio ${version}. The network and its training recipe, as plain PyTorch code
that \`torchrun\` runs on one GPU, several GPUs, or several machines.

| file | what |
|---|---|
| \`model.py\` | the network as an \`nn.Module\`; module names are the studio's block names; \`build_model(weights=None)\` |
| \`train.py\` | the studio's recipe: ${r.optimizer}, lr ${r.lr}, ${sched} schedule, ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}, batch ${r.batchSize}, weight decay ${r.weightDecay}, label smoothing ${r.labelSmoothing}; same preprocessing and augmentation |
| \`export_onnx.py\` | trained weights back to ONNX, which CNN Studio imports |
${hasWeights ? "| `weights.safetensors` | the studio checkpoint's weights (state dict names) |\n" : ''}| \`requirements.txt\` | torch, numpy, Pillow (torchvision is not needed) |

## Install

    pip install -r requirements.txt

## Check the model

    python model.py        # parameter count and the logits' shape

## Train

Data: \`DATA/<class>/<images>\` (a stratified ${Math.round(r.valSplit * 100)}% validation split by file-name
hash, the same split the studio makes), or \`DATA/train/<class>\` with \`DATA/val/<class>\` (or \`test/\`).

One process (CPU, or one GPU):

    python train.py --data DATA --out runs/a

All GPUs of one machine (here 4):

    torchrun --standalone --nproc_per_node 4 train.py --data DATA --out runs/a --amp

Several machines (here 2 with 8 GPUs each; run on every machine, \`--node_rank\` 0 and 1):

    torchrun --nnodes 2 --nproc_per_node 8 --node_rank 0 \\
        --rdzv_backend c10d --rdzv_endpoint HOST0:29500 \\
        train.py --data DATA --out runs/a --amp

- torch 1.13 on Python 3.11 (Debian 12's \`python3-torch\`): its torchrun cannot read the default of
  \`--redirects\`/\`--tee\`; add \`--redirects 0:1,1:1 --tee 0:1,1:1\` (one \`i:1\` per local process).
- \`--batch-size\` is the global batch: each process takes its share, so the recipe (and the
  learning rate that goes with it) stays the same whatever the number of GPUs. Batch norm
  normalises over each process's share; \`--sync-bn\` uses the whole batch, as the studio does.
- \`--amp\`: mixed precision (CUDA). \`--workers N\`: image-decoding processes per GPU.
- Checkpoints (rank 0): \`OUT/last.pt\` every epoch, \`OUT/best.pt\` at the best validation
  accuracy. Continue a run with \`--resume OUT/last.pt\`.
- Start from the studio's weights with \`--weights weights.safetensors\`${hasWeights ? '' : ' (export with --checkpoint)'}.
- Every setting is a flag (\`python train.py --help\`); the defaults are the studio's values.
- Evaluate: \`python train.py --data DATA --eval-only --weights OUT/best.pt\` (the test/ images,
  else val/, else every image).

## Back to the studio

    python export_onnx.py --weights runs/a/best.pt --out model.onnx

then import \`model.onnx\` in CNN Studio (\`cnn-studio import model.onnx -o project.json\`).

## Differences from the studio

- Images are decoded with Pillow: the same resize policies (Lanczos, sampled as libvips samples:
  edge pixels repeated, one scale for both axes when cropping or letterboxing), alpha over white,
  black letterbox bars, and a JPEG at least twice the model's size decoded at 1/2, 1/4 or 1/8
  scale inside libjpeg as sharp does (shrink-on-load); resampled pixels differ by at most two or
  three levels (rounding inside the two resamplers). A colour image made grey uses Pillow's luma (the studio uses libvips'
  linear-light luminance). Images already at the model's size and mode are read identically.
- The data order and augmentation draws come from PyTorch's random generators, not the
  studio's: runs are reproducible (\`--seed\`), not bit-identical to the studio's.
- Unreadable images stop training with the file's name (the studio skips them).
`;
}
