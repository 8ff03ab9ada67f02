/**
 * One image file -> uint8 CHW at model resolution, through sharp.
 *
 * The pipeline matches the studio's predict path (main/inference/preprocess.ts) so that a model
 * sees the same pixels in training and in deployment:
 *  - EXIF orientation applied (.rotate()); GIF/TIFF/AVIF: first frame/page only;
 *  - alpha composited onto WHITE (what an image viewer shows; a transparent PNG icon on black
 *    would look inverted). PIL's convert('RGB') instead drops alpha and keeps whatever RGB the
 *    transparent pixels store (often black): images with alpha can differ from a PIL pipeline;
 *  - grey output is libvips' luminance: Y = 0.2126 R + 0.7152 G + 0.0722 B in linear light,
 *    re-encoded with the sRGB curve (pure red -> 127; PIL's 601 luma on encoded values gives 76);
 *    grey -> RGB repeats the grey value in all three channels;
 *  - resize with sharp's default Lanczos-3 kernel, by policy:
 *      stretch:     scale each axis to H x W (aspect ratio not kept);
 *      center-crop: scale so the image covers H x W (the shorter side fits), then crop the centre;
 *      letterbox:   scale so the image fits inside H x W, then pad with zeros (black), centred.
 * Values stay uint8 here (exact for 8-bit images); batches convert to float.
 */
import sharp from 'sharp';
import { MAX_IMAGE_SIDE } from '../../core/blocks/params';
import { FileReadError, readRegularFile } from '../fs/read-regular-file';
import { sampleSums } from '../../core/data/stats';
import { rgbToPlanarWithSums } from '../../core/data/planar';

export type ResizePolicy = 'stretch' | 'center-crop' | 'letterbox';
export const RESIZE_POLICIES: readonly ResizePolicy[] = ['stretch', 'center-crop', 'letterbox'];

export interface DecodeSpec {
  /** 1 = grey, 3 = RGB */
  channels: 1 | 3;
  height: number;
  width: number;
  resize: ResizePolicy;
  /**
   * Also record each image's own size (after EXIF rotation): the storage-resolution cache keeps
   * images stretched to a square and needs the original geometry to crop them (core/data/resized-crop).
   */
  recordSize?: boolean;
}

export const ALPHA_BACKGROUND = '#ffffff';
/*
 * libvips' operation cache remembers recent operations to answer a repeat from memory. The studio
 * never repeats one (every decode starts from a new buffer), so the cache only costs: keying and
 * storing each operation took about 8% of the CPU of a first pass over 600 photos (Zen 3, 2 cores).
 * This is process-wide; no code of the studio relies on it.
 */
sharp.cache(false);

/** Refuse decompression bombs: 2^28 pixels (16384 x 16384). */
const MAX_INPUT_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE;
/** An image file larger than this is refused before decoding (a 2^28-pixel PNG is far smaller). */
const MAX_IMAGE_FILE_BYTES = 512 * 1024 * 1024;

/**
 * An image that cannot be used; `reason` is short and user-facing. `fromContent` is true when
 * the bytes themselves are bad (worth remembering until the file changes) and false when the file
 * could not be read (permissions, too many open files...: worth retrying next time).
 */
export class ImageDecodeFailure extends Error {
  override readonly name = 'ImageDecodeFailure';
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly fromContent = true,
  ) {
    super(`${file}: ${reason}`);
  }
}

export function checkDecodeSpec(s: DecodeSpec): string | null {
  if (s.channels !== 1 && s.channels !== 3) return `input channels must be 1 (grey) or 3 (RGB), not ${String(s.channels)}`;
  for (const [k, v] of [
    ['height', s.height],
    ['width', s.width],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_IMAGE_SIDE) return `input ${k} must be an integer in 1..${MAX_IMAGE_SIDE}, not ${v}`;
  }
  if (!RESIZE_POLICIES.includes(s.resize)) return `resize policy must be one of ${RESIZE_POLICIES.join(', ')}, not "${String(s.resize)}"`;
  return null;
}

function cleanReason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (/corrupt header/i.test(m)) return 'corrupt image header (damaged, or a 0x0 image)';
  if (/unsupported image format/i.test(m)) return 'not a supported image (unknown format or corrupt header)';
  if (/premature end|truncated|libpng read error|read error|end of file|unexpected end/i.test(m))
    return `truncated or corrupt image data (${m.trim().split('\n')[0]})`;
  if (/pixel limit/i.test(m)) return `image too large (over ${MAX_INPUT_PIXELS} pixels)`;
  return `corrupt image (${m.trim().split('\n')[0]})`;
}

/** Per-channel sums of the decoded bytes and of their squares (the statistics pass, core/data/stats). */
export interface PixelSums {
  sum: number[];
  sq: number[];
}

/**
 * Decodes an in-memory file. Throws ImageDecodeFailure with a reason; never anything else.
 * `sums`, when given, receives the sample's per-channel sums, computed in the same pass as the
 * HWC -> CHW conversion (the statistics pass costs no separate read of the sample).
 */
export async function decodeBuffer(buf: Uint8Array, spec: DecodeSpec, file = '<buffer>', sums?: PixelSums): Promise<Uint8Array> {
  if (buf.byteLength === 0) throw new ImageDecodeFailure(file, 'empty file (0 bytes)');
  const { channels: C, height: H, width: W } = spec;
  let data: Buffer;
  let ch: number;
  try {
    // No separate metadata() call: it costs as much as decoding a small image. A 0x0 image
    // fails to load ("corrupt header"); any other size mismatch is caught on the output below.
    let p = sharp(buf, { failOn: 'error', limitInputPixels: MAX_INPUT_PIXELS }).rotate().flatten({ background: ALPHA_BACKGROUND });
    if (spec.resize === 'stretch') p = p.resize(W, H, { fit: 'fill' });
    else if (spec.resize === 'center-crop') p = p.resize(W, H, { fit: 'cover', position: 'centre' });
    else p = p.resize(W, H, { fit: 'contain', position: 'centre', background: { r: 0, g: 0, b: 0, alpha: 1 } });
    p = C === 1 ? p.grayscale() : p.toColourspace('srgb');
    const out = await p.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (out.info.width !== W || out.info.height !== H)
      throw new ImageDecodeFailure(file, `decoded to ${out.info.width}x${out.info.height}, expected ${W}x${H}`);
    data = out.data;
    ch = out.info.channels;
  } catch (e) {
    if (e instanceof ImageDecodeFailure) throw e;
    throw new ImageDecodeFailure(file, cleanReason(e));
  }
  if (ch === C) return planarWithSums(data, C, H * W, sums ?? { sum: [], sq: [] });
  const out = toCHW(data, ch, C, H * W);
  if (sums) sampleSums(out, 0, C, H * W, sums.sum, sums.sq);
  return out;
}

/**
 * The common case, sharp giving exactly the C channels asked for: HWC -> CHW and the sums in one
 * pass over the pixels (core/data/planar for RGB; grey is already planar).
 */
function planarWithSums(src: Uint8Array, C: number, plane: number, sums: PixelSums): Uint8Array {
  if (C === 1) {
    const out = new Uint8Array(plane);
    out.set(src.subarray(0, plane));
    sampleSums(out, 0, 1, plane, sums.sum, sums.sq);
    return out;
  }
  const { planar, sum, sq } = rgbToPlanarWithSums(src, plane);
  sums.sum.splice(0, sums.sum.length, ...sum);
  sums.sq.splice(0, sums.sq.length, ...sq);
  return planar;
}

/**
 * Interleaved HWC (ch channels) -> planar CHW with C channels. sharp normally already gives C
 * channels; the other cases are guards: a leftover alpha is ignored, grey is repeated, and RGB
 * to grey uses 601 luma.
 */
function toCHW(src: Uint8Array, ch: number, C: number, plane: number): Uint8Array {
  const out = new Uint8Array(C * plane);
  if (C === 1 && ch >= 3) {
    for (let i = 0; i < plane; i++) {
      const j = i * ch;
      out[i] = Math.round(0.299 * src[j]! + 0.587 * src[j + 1]! + 0.114 * src[j + 2]!);
    }
    return out;
  }
  for (let c = 0; c < C; c++) {
    const s = ch >= 3 || C === 1 ? c : 0; // grey (+alpha) source: every output channel reads channel 0
    const base = c * plane;
    for (let i = 0; i < plane; i++) out[base + i] = src[i * ch + s]!;
  }
  return out;
}

/** An image file's bytes. Throws ImageDecodeFailure (unreadable files included). */
export async function readImageFile(file: string): Promise<Buffer> {
  try {
    return await readRegularFile(file, { limit: MAX_IMAGE_FILE_BYTES, what: 'an image file' });
  } catch (e) {
    if (!(e instanceof FileReadError)) throw e;
    const reason = e.code === 'not-found' ? 'file disappeared' : e.code === 'permission-denied' ? 'no permission to read' : e.problem;
    // A file too big to read is a property of the file (like a corrupt one), not a passing failure.
    throw new ImageDecodeFailure(file, reason, e.code === 'too-large' || e.code === 'not-a-file');
  }
}

/** Reads and decodes one file. Throws ImageDecodeFailure (unreadable files included). */
export async function decodeImage(file: string, spec: DecodeSpec): Promise<Uint8Array> {
  return decodeBuffer(await readImageFile(file), spec, file);
}

/** The same decode as float32 CHW in [0, 1] (v / 255), for previews and tests. */
export async function decodeImageFloat(file: string, spec: DecodeSpec): Promise<Float32Array> {
  const u8 = await decodeImage(file, spec);
  const out = new Float32Array(u8.length);
  for (let i = 0; i < u8.length; i++) out[i] = u8[i]! / 255;
  return out;
}

/** An image's width and height as shown (EXIF orientations 5-8 swap them), from its header only. */
export async function orientedSize(buf: Uint8Array, file: string): Promise<{ width: number; height: number }> {
  try {
    const m = await sharp(buf, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
    if (!m.width || !m.height) throw new ImageDecodeFailure(file, 'corrupt image header (no size)');
    return (m.orientation ?? 1) >= 5 ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
  } catch (e) {
    if (e instanceof ImageDecodeFailure) throw e;
    throw new ImageDecodeFailure(file, cleanReason(e));
  }
}

/** decodeImage, plus the image's own size when the spec asks to record it, and the sample's per-channel sums. */
export async function decodeImageAndSize(
  file: string,
  spec: DecodeSpec,
): Promise<{ pixels: Uint8Array; size?: { width: number; height: number }; sums: PixelSums }> {
  return decodeBytesAndSize(await readImageFile(file), file, spec);
}

/** decodeImageAndSize for a file already read (readImageFile). */
export async function decodeBytesAndSize(
  buf: Uint8Array,
  file: string,
  spec: DecodeSpec,
): Promise<{ pixels: Uint8Array; size?: { width: number; height: number }; sums: PixelSums }> {
  const sums: PixelSums = { sum: [], sq: [] };
  const size = spec.recordSize ? await orientedSize(buf, file) : undefined;
  const pixels = await decodeBuffer(buf, spec, file, sums);
  return size ? { pixels, size, sums } : { pixels, sums };
}
