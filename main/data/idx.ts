/**
 * IDX files (the MNIST / Fashion-MNIST format): big-endian header
 *   0x00 0x00 <type> <ndim>, then ndim uint32 dimension sizes, then the data, row-major.
 * Only unsigned bytes (type 0x08) are needed here. Gzipped files (.gz) are inflated first.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { mapLimit } from './pool';

export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export function parseIdx(buf: Uint8Array, name = 'IDX file'): IdxArray {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) buf = gunzipSync(buf);
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) throw new Error(`${name}: not an IDX file (bad magic)`);
  if (buf[2] !== 0x08) throw new Error(`${name}: element type 0x${buf[2]!.toString(16)} is not unsigned byte (0x08)`);
  const ndim = buf[3]!;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.length < 4 + 4 * ndim) throw new Error(`${name}: header is truncated`);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const count = dims.reduce((a, b) => a * b, 1);
  const start = 4 + 4 * ndim;
  if (buf.length - start < count) throw new Error(`${name}: data is truncated (${buf.length - start} of ${count} bytes)`);
  return { dims, data: buf.subarray(start, start + count) };
}

export async function readIdx(file: string): Promise<IdxArray> {
  return parseIdx(await fs.readFile(file), file);
}

export const FASHION_MNIST_CLASSES = ['T-shirt_top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle_boot'];

/**
 * Writes images [N, H, W] with labels [N] as dir/<class>/<index>.png (grey PNGs); `limit` takes
 * the first N. Class folders are prefixed with the label index ("0_T-shirt_top") so that sorted
 * folder names keep the dataset's own label order.
 */
export async function writeIdxAsFolder(
  images: IdxArray,
  labels: IdxArray,
  dir: string,
  classNames: readonly string[],
  limit = Infinity,
  concurrency = 4,
): Promise<number> {
  const [n0, h, w] = images.dims;
  if (images.dims.length !== 3 || n0 === undefined || h === undefined || w === undefined) throw new Error('images must be a [N, H, W] IDX array');
  if (labels.dims.length !== 1 || labels.dims[0] !== n0) throw new Error(`labels must be [${n0}], got [${labels.dims.join(', ')}]`);
  const n = Math.min(n0, limit);
  const folder = (label: number): string => `${label}_${classNames[label] ?? `class${label}`}`;
  const made = new Set<number>();
  const ensure = async (label: number): Promise<void> => {
    if (made.has(label)) return;
    made.add(label);
    await fs.mkdir(path.join(dir, folder(label)), { recursive: true });
  };
  for (let l = 0; l < classNames.length; l++) await ensure(l);
  const plane = h * w;
  const ids = Array.from({ length: n }, (_, i) => i);
  await mapLimit(ids, concurrency, async (i) => {
    const label = labels.data[i]!;
    await ensure(label);
    const png = await sharp(Buffer.from(images.data.subarray(i * plane, (i + 1) * plane)), { raw: { width: w, height: h, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toBuffer();
    await fs.writeFile(path.join(dir, folder(label), `${String(i).padStart(5, '0')}.png`), png);
  });
  return n;
}

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Fashion-MNIST's four IDX files -> out/train and out/test image folders (first nTrain / nTest). */
export async function writeFashionMnist(out: string, nTrain = Infinity, nTest = Infinity, idxDir = FASHION_MNIST_DIR): Promise<void> {
  const f = (n: string): string => path.join(idxDir, n);
  const [ti, tl, vi, vl] = await Promise.all([
    readIdx(f('train-images-idx3-ubyte.gz')),
    readIdx(f('train-labels-idx1-ubyte.gz')),
    readIdx(f('t10k-images-idx3-ubyte.gz')),
    readIdx(f('t10k-labels-idx1-ubyte.gz')),
  ]);
  if (nTrain > 0) await writeIdxAsFolder(ti, tl, path.join(out, 'train'), FASHION_MNIST_CLASSES, nTrain);
  if (nTest > 0) await writeIdxAsFolder(vi, vl, path.join(out, 'test'), FASHION_MNIST_CLASSES, nTest);
}
