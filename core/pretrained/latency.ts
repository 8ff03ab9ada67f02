/** Written by bench/pretrained-latency.ts --write: median CPU latency per backbone, ms per image. */
export const PRETRAINED_LATENCY: { note: string; figures: Readonly<Record<string, number>> } = {
  note: 'batch 1, 2 onnxruntime threads, AMD EPYC, 2026-12-06, under load (shared 2-core machine) (bench/pretrained-latency.ts)',
  figures: {
    resnet18: 469,
    resnet34: 1018,
    resnet50: 2415,
    googlenet: 624,
    vgg16: 5267,
    alexnet: 637,
  },
};
