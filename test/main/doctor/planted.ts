/**
 * A dataset with planted problems, built from the bundled Fashion-MNIST sample (real images):

 * four classes (or any of the sample's), some images filed under the wrong class, and brightened copies of others (in the
 * same class, and in another class). The lists of what was planted are returned for scoring.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { createRng } from '../../../core/data/rng';

const SAMPLE_TRAIN = path.resolve(__dirname, '..', '..', '..', 'assets', 'sample-fashion-mnist', 'train');
export const PLANTED_CLASSES: readonly string[] = ['Bag', 'Sneaker', 'T-shirt_top', 'Trouser'];
/** Every class of the bundled sample. */
export const ALL_CLASSES: readonly string[] = ['Ankle_boot', 'Bag', 'Coat', 'Dress', 'Pullover', 'Sandal', 'Shirt', 'Sneaker', 'T-shirt_top', 'Trouser'];

export interface Planted {
  root: string;
  /** rel paths of images filed under a wrong class */
  mislabels: string[];
  /** [original rel, copy rel] */
  copies: [string, string][];
  /** rel path of an image that is none of the classes (seeded noise) */
  outlier: string;
}

async function listPngs(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter((f) => f.endsWith('.png')).sort();
}

/** Brighter by `add` grey levels (clipped at 255), as a person's re-exported copy would be. */
async function brightenedCopy(from: string, to: string, add: number): Promise<void> {
  await sharp(from).linear(1, add).png().toFile(to);
}

export interface PlantOptions {
  /** images taken per class (default 60; the sample has 100) */
  perClass?: number;
  /** the last images of each class, filed under the next class (default 4) */
  mislabelsPerClass?: number;
  /** brightened copies per class (default 2; the second and later go to another class) */
  copiesPerClass?: number;
  classes?: readonly string[];
  /** the sample's train/ folder (default: found from this file) */
  sampleTrain?: string;
}

export async function plantedDataset(root: string, o: PlantOptions = {}): Promise<Planted> {
  const { perClass = 60, mislabelsPerClass = 4, copiesPerClass = 2, classes = PLANTED_CLASSES, sampleTrain = SAMPLE_TRAIN } = o;
  const mislabels: string[] = [];
  const copies: [string, string][] = [];
  for (const cls of classes) await fs.mkdir(path.join(root, cls), { recursive: true });
  for (const [c, cls] of classes.entries()) {
    const files = (await listPngs(path.join(sampleTrain, cls))).slice(0, perClass);
    for (const [i, f] of files.entries()) {
      // The last images of each class are filed under the next class: planted label errors.
      const wrong = i >= perClass - mislabelsPerClass;
      const into = wrong ? classes[(c + 1) % classes.length]! : cls;
      const rel = `${into}/${cls.slice(0, 2)}${f}`;
      await fs.copyFile(path.join(sampleTrain, cls, f), path.join(root, rel));
      if (wrong) mislabels.push(rel);
    }
    for (let k = 0; k < copiesPerClass; k++) {
      const orig = `${cls}/${cls.slice(0, 2)}${files[k]!}`;
      // The second copy of each class goes to another class: a duplicate across classes.
      const into = k === 0 ? cls : classes[(c + 2) % classes.length]!;
      const copy = `${into}/copy-${cls.slice(0, 2)}${files[k]!}`;
      await brightenedCopy(path.join(root, orig), path.join(root, copy), 30);
      copies.push([orig, copy]);
    }
  }
  // One image that belongs to no class: uniform noise, filed under the first class.
  const outlier = `${classes[0]!}/noise.png`;
  const rng = createRng(11);
  const noise = Buffer.from(Array.from({ length: 28 * 28 }, () => Math.floor(rng.next() * 256)));
  await sharp(noise, { raw: { width: 28, height: 28, channels: 1 } })
    .png()
    .toFile(path.join(root, outlier));
  return { root, mislabels, copies, outlier };
}
