/** Written by bench/pretrained-latency.ts --write: median CPU latency per backbone, ms per image. */
export const PRETRAINED_LATENCY: { note: string; figures: Readonly<Record<string, number>> } = {
  note: 'batch 1, 2 onnxruntime threads, AMD EPYC, 2026-12-06, under load (shared 2-core machine) (bench/pretrained-latency.ts)',
  figures: {
    resnet18: 1011,
    resnet34: 1489,
    resnet50: 2067,
    googlenet: 694,
    vgg16: 4365,
    alexnet: 343,
    mobilenet_v2: 113,
    mobilenet_v3_small: 37,
    mobilenet_v3_large: 80,
    efficientnet_b0: 123,
  },
};
