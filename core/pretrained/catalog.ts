/**
 * The pretrained backbones the studio offers: torchvision's IMAGENET1K_V1 weights. Facts come from
 * torchvision's own `Weights` meta (torchvision/models/*.py: url, num_params, acc@1, transforms;
 * `_ops` (GFLOPS = GMACs there) and `_file_size` (MiB, 3 decimals) from torchvision >= 0.15's meta,
 * as its docs list them). The file name carries the first 8 hex digits of the file's SHA-256
 * (torch.hub's check_hash convention); the full hash and exact byte size are given where known.
 * `template`/`variant` name the studio template whose weight names equal torchvision's.
 */

/** ImageNet preprocessing every entry uses: resize the short side to 256, centre-crop 224. */
export interface PretrainedPreprocessing {
  resize: number;
  crop: number;
  interpolation: 'bilinear' | 'bicubic';
  mean: [number, number, number];
  std: [number, number, number];
}

export interface PretrainedEntry {
  /** torchvision's builder name, also the studio template id where one exists. */
  id: string;
  label: string;
  file: string;
  /** The file name's hash part: the first 8 hex digits of its SHA-256. */
  sha256Prefix: string;
  /** The whole SHA-256 where known (otherwise the prefix is checked). */
  sha256?: string;
  /** Exact size in bytes where known; else `sizeMiB` with its 3-decimal rounding. */
  sizeBytes?: number;
  sizeMiB: number;
  top1: number;
  top5: number;
  params: number;
  /** Multiply-accumulates at 3x224x224, in billions (torchvision's `_ops`). */
  gmacs: number;
  /** The studio template (and variant) that takes these weights; null while none exists. */
  template: { id: string; variant?: string } | null;
  /**
   * Normalisation the studio applies: ImageNet's, except GoogLeNet, whose torchvision model maps
   * ImageNet-normalised input back to (x - 0.5) / 0.5 (transform_input=True, weights ported from
   * TensorFlow); normalising by 0.5/0.5 directly is the same function without that layer.
   */
  studioMean: [number, number, number];
  studioStd: [number, number, number];
}

export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

/** torchvision's ImageClassification preset for these weights: resize 256, crop 224. */
export function preprocessingOf(e: PretrainedEntry): PretrainedPreprocessing {
  return { resize: 256, crop: 224, interpolation: e.id === 'efficientnet_b0' ? 'bicubic' : 'bilinear', mean: IMAGENET_MEAN, std: IMAGENET_STD };
}

/** Where torchvision's weights live; CNN_STUDIO_WEIGHTS_URL replaces it (a mirror, same file names). */
export const DEFAULT_WEIGHTS_BASE_URL = 'https://download.pytorch.org/models/';

export const WEIGHTS_TERMS =
  'Model code: torchvision, BSD-3-Clause. Weights: trained on ImageNet-1k, whose terms allow non-commercial research and educational use; torchvision\'s docs say pretrained models "may have their own licenses or terms and conditions derived from the dataset used for training" and that it is your responsibility to determine whether you have permission to use them for your use case.';

const imagenet = { studioMean: IMAGENET_MEAN, studioStd: IMAGENET_STD };
const hashOf = (file: string): string => /-([0-9a-f]{8,})\.pth$/.exec(file)![1]!;
const entry = (
  e: Omit<PretrainedEntry, 'sha256Prefix' | 'studioMean' | 'studioStd'> & Partial<Pick<PretrainedEntry, 'studioMean' | 'studioStd'>>,
): PretrainedEntry => ({ ...imagenet, ...e, sha256Prefix: hashOf(e.file) });

export const PRETRAINED: readonly PretrainedEntry[] = [
  entry({
    id: 'resnet18',
    label: 'ResNet-18',
    file: 'resnet18-f37072fd.pth',
    sizeMiB: 44.661,
    top1: 69.758,
    top5: 89.078,
    params: 11_689_512,
    gmacs: 1.814,
    template: { id: 'resnet18' },
    // Full hash and size as pinned by projects that hash the download (matches the name's prefix and 44.661 MiB).
    sha256: 'f37072fd47e89c5e827621c5baffa7500819f7896bbacec160b1a16c560e07ec',
    sizeBytes: 46_830_571,
  }),
  entry({
    id: 'resnet34',
    label: 'ResNet-34',
    file: 'resnet34-b627a593.pth',
    sizeMiB: 83.275,
    top1: 73.314,
    top5: 91.42,
    params: 21_797_672,
    gmacs: 3.664,
    template: { id: 'resnet34' },
  }),
  entry({
    id: 'resnet50',
    label: 'ResNet-50',
    file: 'resnet50-0676ba61.pth',
    sizeMiB: 97.781,
    top1: 76.13,
    top5: 92.862,
    params: 25_557_032,
    gmacs: 4.089,
    template: { id: 'resnet50' },
  }),
  entry({
    id: 'googlenet',
    label: 'GoogLeNet',
    file: 'googlenet-1378be20.pth',
    sizeMiB: 49.731,
    top1: 69.778,
    top5: 89.53,
    params: 6_624_904,
    gmacs: 1.498,
    template: { id: 'googlenet', variant: 'torchvision' },
    studioMean: [0.5, 0.5, 0.5],
    studioStd: [0.5, 0.5, 0.5],
  }),
  entry({
    id: 'vgg16',
    label: 'VGG-16',
    file: 'vgg16-397923af.pth',
    sizeMiB: 527.796,
    top1: 71.592,
    top5: 90.382,
    params: 138_357_544,
    gmacs: 15.47,
    template: { id: 'vgg16' },
  }),
  entry({
    id: 'alexnet',
    label: 'AlexNet',
    file: 'alexnet-owt-7be5be79.pth',
    sizeMiB: 233.087,
    top1: 56.522,
    top5: 79.066,
    params: 61_100_840,
    gmacs: 0.714,
    template: { id: 'alexnet' },
  }),
  entry({
    id: 'mobilenet_v2',
    label: 'MobileNet V2',
    file: 'mobilenet_v2-b0353104.pth',
    sizeMiB: 13.555,
    top1: 71.878,
    top5: 90.286,
    params: 3_504_872,
    gmacs: 0.301,
    template: { id: 'mobilenet_v2' },
  }),
  entry({
    id: 'mobilenet_v3_small',
    label: 'MobileNet V3 Small',
    file: 'mobilenet_v3_small-047dcff4.pth',
    sizeMiB: 9.829,
    top1: 67.668,
    top5: 87.402,
    params: 2_542_856,
    gmacs: 0.057,
    template: { id: 'mobilenet_v3_small' },
    sha256: '047dcff4addef86ea5bc2eff13c9614dc11f47ab1160d0a71a25e7db994f4e1f',
    sizeBytes: 10_306_551,
  }),
  entry({
    id: 'mobilenet_v3_large',
    label: 'MobileNet V3 Large',
    file: 'mobilenet_v3_large-8738ca79.pth',
    sizeMiB: 21.114,
    top1: 74.042,
    top5: 91.34,
    params: 5_483_032,
    gmacs: 0.217,
    template: { id: 'mobilenet_v3_large' },
  }),
  entry({
    id: 'efficientnet_b0',
    label: 'EfficientNet-B0',
    file: 'efficientnet_b0_rwightman-3dd342df.pth',
    sizeMiB: 20.451,
    top1: 77.692,
    top5: 93.532,
    params: 5_288_548,
    gmacs: 0.386,
    template: { id: 'efficientnet_b0' },
  }),
];

export function getPretrained(id: string): PretrainedEntry | undefined {
  return PRETRAINED.find((e) => e.id === id);
}

/** The file's URL under `base` (a mirror serves the same file names). */
export function weightsUrl(e: PretrainedEntry, base: string = DEFAULT_WEIGHTS_BASE_URL): string {
  return base.endsWith('/') ? base + e.file : `${base}/${e.file}`;
}

/**
 * Whether `bytes` is the entry's size: exact where known, else within the rounding of its
 * 3-decimal MiB figure (half of 0.001 MiB = 524 bytes).
 */
export function sizeMatches(e: PretrainedEntry, bytes: number): boolean {
  if (e.sizeBytes !== undefined) return bytes === e.sizeBytes;
  return Math.abs(bytes - e.sizeMiB * 1024 * 1024) <= 0.0005 * 1024 * 1024;
}

/** The hash a download must have: its first hex digits must equal the known part. */
export function hashMatches(e: PretrainedEntry, sha256Hex: string): boolean {
  return e.sha256 !== undefined ? sha256Hex === e.sha256 : sha256Hex.startsWith(e.sha256Prefix);
}
