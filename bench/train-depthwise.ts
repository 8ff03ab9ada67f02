/**
 * Depthwise conv (group = channels, one channel per group) formulations at MobileNetV2 3x64x64
 * batch-32 shapes (and one EfficientNet-B0 5x5), each timed alone: forward (plain grouped Conv /
 * NCHWc kernels), input gradient (grouped ConvTranspose / flipped depthwise Conv on NCHWc or plain /
 * for strides, a sub-pixel split of the phases onto one NCHWc depthwise Conv) and weight gradient
 * (the conv trick / the batch folded into the channels, plain or NCHWc / per-tap Mul + ReduceSum /
 * im2col + batched MatMul). Prints the least process CPU ms over the repetitions per variant (the
 * figure least disturbed by other processes), flags a variant whose result differs from the first of
 * its group by more than 1e-5 of scale, and the sum over shapes. What core/train/grad/conv.ts and
 * core/train/nchwc.ts chose from it is in bench/train-results.md.
 *   npx esbuild bench/train-depthwise.ts --bundle --platform=node --external:onnxruntime-node --outfile=dist/dw.cjs
 *   node dist/dw.cjs [reps]      (THREADS=1 default; ONLY=s2 keeps matching shapes; D2S=1 interleaves by DepthToSpace; PROFILE=1)
 */
import * as ort from 'onnxruntime-node';
import { GraphBuilder } from '../core/onnx/builder';
import { encodeModel } from '../core/onnx/proto';
import { makeModel } from '../core/train/build-train-step';
import { NCHWC_DOMAIN } from '../core/train/nchwc';
import { nchwcBlockSize } from '../main/trainer/nchwc-block';

interface Shape {
  name: string;
  n: number;
  c: number;
  h: number;
  k: number;
  s: number;
}
const ALL: Shape[] = [
  { name: 'f1 32@32 s1', n: 32, c: 32, h: 32, k: 3, s: 1 },
  { name: 'f2 96@32 s2', n: 32, c: 96, h: 32, k: 3, s: 2 },
  { name: 'f3 144@16 s1', n: 32, c: 144, h: 16, k: 3, s: 1 },
  { name: 'f4 144@16 s2', n: 32, c: 144, h: 16, k: 3, s: 2 },
  { name: 'f5 192@8 s1', n: 32, c: 192, h: 8, k: 3, s: 1 },
  { name: 'f8 384@4 s1', n: 32, c: 384, h: 4, k: 3, s: 1 },
  { name: 'f11 576@4 s1', n: 32, c: 576, h: 4, k: 3, s: 1 },
  { name: 'f15 960@2 s1', n: 32, c: 960, h: 2, k: 3, s: 1 },
  { name: 'eb0 5x5 240@8 s1', n: 32, c: 240, h: 8, k: 5, s: 1 },
];
const SHAPES = ALL.filter((q) => !process.env.ONLY || q.name.includes(process.env.ONLY));
// The CPU's NCHWc block (16 with AVX-512, 8 with AVX2), measured in main(); BLOCK overrides it.
let B = 8;

type Build = (g: GraphBuilder, sh: Shape, ho: number) => string;

function nchwcConv(g: GraphBuilder, x: string, w: string, c: number, k: number, attrs: { pads: number[]; strides: number[]; dilations: number[] }): string {
  // weight [C,1,k,k] -> OIHWBo: [C/B, B, k*k] -> [C/B, k*k, B] -> [C, 1, k, k]
  const rows = g.op1('Reshape', [w, i64(g, [c / B, B, k * k])]);
  const wr = g.op1('Reshape', [g.op1('Transpose', [rows], { perm: [0, 2, 1] }), i64(g, [c, 1, k, k])]);
  const xr = g.op1('ReorderInput', [x], {}, { domain: NCHWC_DOMAIN });
  const y = g.op1('Conv', [xr, wr], { kernel_shape: [k, k], group: c, ...attrs }, { domain: NCHWC_DOMAIN });
  return g.op1('ReorderOutput', [y], { channels: c }, { domain: NCHWC_DOMAIN });
}

const pad = (sh: Shape) => (sh.k - 1) / 2;
const i64 = (g: GraphBuilder, v: number[]) => g.constInt64(g.fresh('c'), v);

function flipped(g: GraphBuilder, w: string, k: number): string {
  return g.op1('Slice', [w, i64(g, [-1, -1]), i64(g, [-(k + 1), -(k + 1)]), i64(g, [2, 3]), i64(g, [-1, -1])]);
}

const FWD: [string, Build][] = [
  ['fwd plain', (g, sh) => g.op1('Conv', ['x', 'w'], { kernel_shape: [sh.k, sh.k], group: sh.c, pads: Array(4).fill(pad(sh)), strides: [sh.s, sh.s] })],
  ['fwd nchwc', (g, sh) => nchwcConv(g, 'x', 'w', sh.c, sh.k, { pads: Array(4).fill(pad(sh)), strides: [sh.s, sh.s], dilations: [1, 1] })],
];

const DX: [string, Build][] = [
  [
    'dX convT',
    (g, sh, ho) => {
      const rem = (sh.h + 2 * pad(sh) - sh.k) % sh.s;
      void ho;
      return g.op1('ConvTranspose', ['dy', 'w'], {
        kernel_shape: [sh.k, sh.k],
        group: sh.c,
        pads: Array(4).fill(pad(sh)),
        strides: [sh.s, sh.s],
        output_padding: rem ? [rem, rem] : undefined,
      });
    },
  ],
  [
    'dX flip nchwc',
    (g, sh, ho) => {
      const pb = sh.k - 1 - pad(sh);
      let up = 'dy';
      let len = ho;
      if (sh.s > 1) {
        const six = g.op1('Reshape', ['dy', i64(g, [sh.n, sh.c, ho, 1, ho, 1])]);
        const padded = g.op1('Pad', [six, i64(g, [0, 0, 0, 0, 0, 0, 0, 0, 0, sh.s - 1, 0, sh.s - 1])]);
        up = g.op1('Reshape', [padded, i64(g, [sh.n, sh.c, ho * sh.s, ho * sh.s])]);
        len = ho * sh.s;
      }
      const pe = sh.h - len - pb + sh.k - 1;
      return nchwcConv(g, up, flipped(g, 'w', sh.k), sh.c, sh.k, { pads: [pb, pb, pe, pe], strides: [1, 1], dilations: [1, 1] });
    },
  ],
];

function tileSubpixel(g: GraphBuilder, sh: Shape, ho: number): string {
  const s = sh.s;
  const k = sh.k;
  const p = pad(sh);
  const K = Math.ceil(k / s);
  const cols = s * s * K * K;
  const sel = new Array<number>(k * k * cols).fill(0);
  for (let rh = 0; rh < s; rh++)
    for (let rw = 0; rw < s; rw++)
      for (let uh = 0; uh < K; uh++)
        for (let uw = 0; uw < K; uw++) {
          const th = (K - 1 - uh) * s + rh;
          const tw = (K - 1 - uw) * s + rw;
          if (th < k && tw < k) sel[(th * k + tw) * cols + ((rh * s + rw) * K + uh) * K + uw] = 1;
        }
  const wsel = g.op1('MatMul', [g.op1('Reshape', ['w', i64(g, [sh.c, k * k])]), g.constFloat(g.fresh('sel'), sel, [k * k, cols])]);
  const v = g.op1('Reshape', [
    g.op1('Transpose', [g.op1('Reshape', [wsel, i64(g, [sh.c, s * s, K * K])])], { perm: [1, 0, 2] }),
    i64(g, [s * s * sh.c, 1, K, K]),
  ]);
  const q0 = Math.floor(p / s);
  const q1 = Math.floor((p + sh.h - 1) / s);
  const b = Math.max(0, K - 1 - q0);
  const lead = q0 - (K - 1 - b);
  const e = Math.max(0, lead + q1 - q0 + 1 - (ho + b - K + 1));
  const start = lead * s + (p % s);
  const tiled = g.op1('Concat', Array(s * s).fill('dy'), { axis: 1 });
  const conv = nchwcConv(g, tiled, v, s * s * sh.c, K, { pads: [b, b, e, e], strides: [1, 1], dilations: [1, 1] });
  const hq = ho + b + e - K + 1;
  const d =
    process.env.D2S === '1'
      ? g.op1('DepthToSpace', [conv], { blocksize: s, mode: 'DCR' })
      : g.op1('Reshape', [
          g.op1('Transpose', [g.op1('Reshape', [conv, i64(g, [sh.n, s, s, sh.c, hq, hq])])], { perm: [0, 3, 4, 1, 5, 2] }),
          i64(g, [sh.n, sh.c, hq * s, hq * s]),
        ]);
  return g.op1('Slice', [d, i64(g, [start, start]), i64(g, [start + sh.h, start + sh.h]), i64(g, [2, 3])]);
}

DX.push([
  'dX flip plain',
  (g, sh) => g.op1('Conv', ['dy', flipped(g, 'w', sh.k)], { kernel_shape: [sh.k, sh.k], group: sh.c, pads: Array(4).fill(sh.k - 1 - pad(sh)) }),
]);
DX.push(['dX tile-subpixel nchwc', (g, sh, ho) => (sh.s > 1 ? tileSubpixel(g, sh, ho) : DX[1]![1](g, sh, ho))]);

const DW: [string, Build][] = [
  [
    'dW swap plain',
    (g, sh, ho) => {
      const p = pad(sh);
      const xs = g.op1('Reshape', ['x', i64(g, [1, sh.n * sh.c, sh.h, sh.h])]);
      const ks = g.op1('Reshape', ['dy', i64(g, [sh.n * sh.c, 1, ho, ho])]);
      const o = g.op1('Conv', [xs, ks], { kernel_shape: [ho, ho], group: sh.n * sh.c, pads: [p, p, p, p], dilations: [sh.s, sh.s] });
      const sl = g.op1('Slice', [o, i64(g, [0, 0]), i64(g, [sh.k, sh.k]), i64(g, [2, 3])]);
      const r = g.op1('ReduceSum', [g.op1('Reshape', [sl, i64(g, [sh.n, sh.c, sh.k, sh.k])]), i64(g, [0])], { keepdims: 0 });
      return g.op1('Reshape', [r, i64(g, [sh.c, 1, sh.k, sh.k])]);
    },
  ],
  [
    'dW trick',
    (g, sh, ho) => {
      const p = pad(sh);
      const x5 = g.op1('Reshape', ['x', i64(g, [sh.n, sh.c, 1, sh.h, sh.h])]);
      const z = g.op1('Reshape', [g.op1('Transpose', [x5], { perm: [2, 1, 0, 3, 4] }), i64(g, [1, sh.c * sh.n, sh.h, sh.h])]);
      const kk = g.op1('Transpose', ['dy'], { perm: [1, 0, 2, 3] });
      const o = g.op1('Conv', [z, kk], { kernel_shape: [ho, ho], group: sh.c, pads: [p, p, p, p], dilations: [sh.s, sh.s] });
      const sl = g.op1('Slice', [o, i64(g, [0, 0]), i64(g, [sh.k, sh.k]), i64(g, [2, 3])]);
      return g.op1('Transpose', [sl], { perm: [1, 0, 2, 3] });
    },
  ],
  [
    'dW swap nchwc',
    (g, sh, ho) => {
      const p = pad(sh);
      const xs = g.op1('Reshape', ['x', i64(g, [1, sh.n * sh.c, sh.h, sh.h])]);
      const ks = g.op1('Reshape', ['dy', i64(g, [sh.n * sh.c, 1, ho, ho])]);
      const o = nchwcConv(g, xs, ks, sh.n * sh.c, ho, { pads: [p, p, p, p], strides: [1, 1], dilations: [sh.s, sh.s] });
      const sl = g.op1('Slice', [o, i64(g, [0, 0]), i64(g, [sh.k, sh.k]), i64(g, [2, 3])]);
      const r = g.op1('ReduceSum', [g.op1('Reshape', [sl, i64(g, [sh.n, sh.c, sh.k, sh.k])]), i64(g, [0])], { keepdims: 0 });
      return g.op1('Reshape', [r, i64(g, [sh.c, 1, sh.k, sh.k])]);
    },
  ],
  [
    'dW taps',
    (g, sh, ho) => {
      const p = pad(sh);
      const xp = g.op1('Pad', ['x', i64(g, [0, 0, p, p, 0, 0, p, p])]);
      const parts: string[] = [];
      for (let i = 0; i < sh.k; i++)
        for (let j = 0; j < sh.k; j++) {
          const sl = g.op1('Slice', [xp, i64(g, [i, j]), i64(g, [i + (ho - 1) * sh.s + 1, j + (ho - 1) * sh.s + 1]), i64(g, [2, 3]), i64(g, [sh.s, sh.s])]);
          parts.push(g.op1('ReduceSum', [g.op1('Mul', [sl, 'dy']), i64(g, [0, 2, 3])], { keepdims: 0 }));
        }
      const cat = g.op1(
        'Concat',
        parts.map((q) => g.op1('Unsqueeze', [q, i64(g, [1])])),
        { axis: 1 },
      );
      return g.op1('Reshape', [cat, i64(g, [sh.c, 1, sh.k, sh.k])]);
    },
  ],
  [
    'dW bmm',
    (g, sh, ho) => {
      const p = pad(sh);
      const xt = g.op1('Pad', [g.op1('Transpose', ['x'], { perm: [1, 0, 2, 3] }), i64(g, [0, 0, p, p, 0, 0, p, p])]);
      const parts: string[] = [];
      for (let i = 0; i < sh.k; i++)
        for (let j = 0; j < sh.k; j++) {
          const sl = g.op1('Slice', [xt, i64(g, [i, j]), i64(g, [i + (ho - 1) * sh.s + 1, j + (ho - 1) * sh.s + 1]), i64(g, [2, 3]), i64(g, [sh.s, sh.s])]);
          parts.push(g.op1('Unsqueeze', [sl, i64(g, [1])]));
        }
      const no = sh.n * ho * ho;
      const cols = g.op1('Reshape', [g.op1('Concat', parts, { axis: 1 }), i64(g, [sh.c, sh.k * sh.k, no])]);
      const dyt = g.op1('Reshape', [g.op1('Transpose', ['dy'], { perm: [1, 0, 2, 3] }), i64(g, [sh.c, no, 1])]);
      return g.op1('Reshape', [g.op1('MatMul', [cols, dyt]), i64(g, [sh.c, 1, sh.k, sh.k])]);
    },
  ],
];

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

async function session(sh: Shape, build: Build, outShape: number[]) {
  const ho = Math.floor((sh.h + 2 * pad(sh) - sh.k) / sh.s) + 1;
  const g = new GraphBuilder('b');
  g.input('x', 'float32', [sh.n, sh.c, sh.h, sh.h]);
  g.input('w', 'float32', [sh.c, 1, sh.k, sh.k]);
  g.input('dy', 'float32', [sh.n, sh.c, ho, ho]);
  const out = build(g, sh, ho);
  g.output(out, 'float32', outShape);
  const m = makeModel(g.build(), '');
  const model = { ...m, opsetImports: [...m.opsetImports, { domain: NCHWC_DOMAIN, version: 1 }] };
  const s = await ort.InferenceSession.create(encodeModel(model), {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: Number(process.env.THREADS ?? '1'),
    executionMode: 'sequential',
    enableProfiling: process.env.PROFILE === '1',
    profileFilePrefix: '/tmp/train-depthwise',
  });
  const feeds = {
    x: new ort.Tensor('float32', rand(sh.n * sh.c * sh.h * sh.h, 1), [sh.n, sh.c, sh.h, sh.h]),
    w: new ort.Tensor('float32', rand(sh.c * sh.k * sh.k, 2), [sh.c, 1, sh.k, sh.k]),
    dy: new ort.Tensor('float32', rand(sh.n * sh.c * ho * ho, 3), [sh.n, sh.c, ho, ho]),
  };
  return { s, feeds, out };
}

async function main(): Promise<void> {
  B = Number(process.env.BLOCK ?? 0) || (await nchwcBlockSize());
  if (B === 0) throw new Error('no NCHWc kernels on this CPU: the NCHWc variants cannot run');
  const reps = Number(process.argv[2] ?? '10');
  const totals = new Map<string, number>();
  for (const sh of SHAPES) {
    const ho = Math.floor((sh.h + 2 * pad(sh) - sh.k) / sh.s) + 1;
    const line: string[] = [];
    for (const [group, list, shape] of [
      ['fwd', FWD, [sh.n, sh.c, ho, ho]],
      ['dx', DX, [sh.n, sh.c, sh.h, sh.h]],
      ['dw', DW, [sh.c, 1, sh.k, sh.k]],
    ] as const) {
      const ss = await Promise.all(list.map(([, b]) => session(sh, b, [...shape])));
      const t = list.map(() => Infinity);
      const ref = (await ss[0]!.s.run(ss[0]!.feeds))[ss[0]!.out]!.data as Float32Array;
      const diffs: number[] = [];
      for (const v of ss) {
        const o = (await v.s.run(v.feeds))[v.out]!.data as Float32Array;
        let d = 0;
        let sc = 0;
        for (let i = 0; i < o.length; i++) {
          d = Math.max(d, Math.abs(o[i]! - ref[i]!));
          sc = Math.max(sc, Math.abs(ref[i]!));
        }
        diffs.push(d / sc);
      }
      for (let r = 0; r < reps; r++)
        for (let i = 0; i < ss.length; i++) {
          const t0 = process.cpuUsage();
          await ss[i]!.s.run(ss[i]!.feeds);
          const d = process.cpuUsage(t0);
          t[i] = Math.min(t[i]!, (d.user + d.system) / 1000);
        }
      list.forEach(([n], i) => {
        line.push(`${n} ${t[i]!.toFixed(2)}${diffs[i]! > 1e-5 ? ` DIFF ${diffs[i]!.toExponential(1)}` : ''}`);
        totals.set(n, (totals.get(n) ?? 0) + t[i]!);
      });
      void group;
      for (const v of ss) await v.s.release();
    }
    console.log(sh.name.padEnd(16), line.join(' | '));
  }
  console.log('totals', [...totals].map(([k, v]) => `${k} ${v.toFixed(1)}`).join(' | '));
}
void main();
