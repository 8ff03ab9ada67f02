/**
 * Writes Fashion-MNIST (Debian: apt-get install dataset-fashion-mnist) as an image folder:
 *   <out>/train/<label>_<name>/<index>.png and <out>/test/...   (28x28 grey PNGs)
 * Usage: node bench/run-ts.mjs bench/data-pipeline-fashion-mnist.ts <out> [--train N] [--test N] [--idx DIR]
 */
import { writeFashionMnist } from '../main/data/idx';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

const args = process.argv.slice(2);
const out = args[0];
if (!out || out.startsWith('--')) {
  console.error('usage: data-pipeline-fashion-mnist.ts <out> [--train N] [--test N] [--idx DIR]');
  process.exit(2);
}
const nTrain = Number(flag(args, '--train') ?? Infinity);
const nTest = Number(flag(args, '--test') ?? Infinity);
const t0 = Date.now();
writeFashionMnist(out, nTrain, nTest, flag(args, '--idx')).then(
  () => console.log(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  },
);
