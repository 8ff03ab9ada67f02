/** Written by bench/pretrained-latency.ts --write: median CPU latency per backbone, ms per image. */
export const PRETRAINED_LATENCY: { note: string; figures: Readonly<Record<string, number>> } = {
  note: 'batch 1, 2 onnxruntime threads, AMD EPYC, 2026-12-06 (bench/pretrained-latency.ts)',
  figures: {
    resnet18: 21,
    resnet34: 42,
    resnet50: 47,
    googlenet: 19,
    vgg16: 181,
    alexnet: 16,
    mobilenet_v2: 5,
    mobilenet_v3_small: 2,
    mobilenet_v3_large: 4,
    efficientnet_b0: 9,
  },
};
