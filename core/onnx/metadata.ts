/**
 * The metadata_props an exported model carries, so whoever deploys it (the studio's own predict
 * command included) can feed it images the way it was trained: size, colour mode, normalisation,
 * and what its outputs mean. Plain keys and JSON values, readable by any ONNX tool.
 *
 * Preprocessing contract: resize the image to input_size (H x W) by `resize` (stretch,
 * center-crop or letterbox; white behind transparency), convert to the colour mode,
 * scale pixels to [0, 1], then x = (x - mean[c]) / std[c], laid out NCHW.
 */
import type { Model } from './ir';

export const META = {
  classNames: 'class_names',
  inputSize: 'input_size',
  colorMode: 'color_mode',
  mean: 'mean',
  std: 'std',
  modelName: 'model_name',
  studioVersion: 'studio_version',
  preprocessing: 'preprocessing',
  resize: 'resize',
} as const;

export type ColorMode = 'rgb' | 'grayscale';
/** How an image is brought to input_size (main/data/decode.ts implements all three). */
export type ResizeMode = 'stretch' | 'center-crop' | 'letterbox';
const RESIZE_MODES: readonly string[] = ['stretch', 'center-crop', 'letterbox'];

export interface ModelMetadata {
  modelName: string;
  classNames: string[];
  /** [channels, height, width] */
  inputSize: [number, number, number];
  colorMode: ColorMode;
  mean: number[];
  std: number[];
  studioVersion: string;
  resize: ResizeMode;
}

export const PREPROCESSING_TEXT = 'resize to input_size (HxW) by `resize`, colour mode, pixels/255, (x - mean) / std per channel, NCHW float32';

export function metadataProps(m: ModelMetadata): Record<string, string> {
  return {
    [META.modelName]: m.modelName,
    [META.classNames]: JSON.stringify(m.classNames),
    [META.inputSize]: JSON.stringify(m.inputSize),
    [META.colorMode]: m.colorMode,
    [META.mean]: JSON.stringify(m.mean),
    [META.std]: JSON.stringify(m.std),
    [META.studioVersion]: m.studioVersion,
    [META.preprocessing]: PREPROCESSING_TEXT,
    [META.resize]: m.resize,
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function numberList(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? (v as number[]) : undefined;
}

/**
 * Reads what the studio (or a compatible writer) stored; whatever is absent or malformed is
 * filled from the graph's input shape and neutral defaults, so models from elsewhere still work.
 */
export function readMetadata(model: Model): ModelMetadata & { fromStudio: boolean } {
  const md = model.metadata;
  const input = model.graph.inputs.find((i) => !model.graph.initializers.some((t) => t.name === i.name));
  const shape = input?.shape ?? [];
  const dim = (i: number, dflt: number): number => {
    const d = shape[i];
    return typeof d === 'number' && d > 0 ? d : dflt;
  };
  const size = numberList(parseJson(md[META.inputSize]));
  const inputSize: [number, number, number] =
    size && size.length === 3 && size.every((x) => Number.isInteger(x) && x > 0) ? [size[0]!, size[1]!, size[2]!] : [dim(1, 3), dim(2, 224), dim(3, 224)];
  const channels = inputSize[0];
  const colorMode: ColorMode =
    md[META.colorMode] === 'grayscale' || md[META.colorMode] === 'rgb' ? (md[META.colorMode] as ColorMode) : channels === 1 ? 'grayscale' : 'rgb';
  const fit = (list: number[] | undefined, dflt: number): number[] =>
    list && (list.length === channels || list.length === 1)
      ? list.length === 1
        ? new Array<number>(channels).fill(list[0]!)
        : list
      : new Array<number>(channels).fill(dflt);
  const names = parseJson(md[META.classNames]);
  const classNames = Array.isArray(names) && names.every((n) => typeof n === 'string') ? (names as string[]) : [];
  const stdList = fit(numberList(parseJson(md[META.std])), 1).map((s) => (s === 0 ? 1 : s));
  return {
    modelName: md[META.modelName] ?? model.graph.name,
    classNames,
    inputSize,
    colorMode,
    mean: fit(numberList(parseJson(md[META.mean])), 0),
    std: stdList,
    studioVersion: md[META.studioVersion] ?? '',
    resize: RESIZE_MODES.includes(md[META.resize] ?? '') ? (md[META.resize] as ResizeMode) : 'stretch',
    fromStudio: md[META.studioVersion] !== undefined,
  };
}
