/**
 * Max pool backward route per pool shape, measured on this machine once and cached.
 *
 * An overlapping or padded max pool can be differentiated two exact ways (core/train/grad/maxpool.ts):
 * through onnxruntime's MaxPool Indices output (a generic kernel whose cost per output varies 3x
 * between shapes and between CPUs) plus a ScatterElements, or by the strided-slice route without
 * Indices. Which is faster depends on the CPU: on a 2-core AMD EPYC (Zen 3) the Indices kernel took
 * 56 ms on GoogLeNet's first pool, where an Intel Sapphire Rapids took well under half of that. So
 * before a CPU run builds its step, each such pool shape of the model is timed both ways (forward
 * pool + backward, least CPU time of a few runs at the run's thread count) and the faster route goes
 * into GradOptions.maxPoolRoutes.
 *
 * Results are kept in <cache dir>/formulations.json (main/config.ts: checksCache), keyed by
 * CPU model + onnxruntime version + threads, then by pool signature; a new CPU, onnxruntime or thread
 * count measures again. Config measureRoutes (README: environment variables) turns measuring off.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelDocument } from '../../core/graph/index';
import { GraphBuilder } from '../../core/onnx/builder';
import { spatialParams } from '../../core/train/attrs';
import { buildBackward } from '../../core/train/autodiff';
import { makeModel } from '../../core/train/build-train-step';
import { poolRouteIsChoice, poolSignature, type PoolRoutes } from '../../core/train/grad/maxpool-first-max';
import { inferShapes } from '../../core/train/shape-infer';
import { studioForward } from '../../core/train/studio';
import { atomicWrite } from '../fs/atomic-write';
import { readConfig } from '../config';
import { createSession } from './ort-session';

type Route = 'slices' | 'indices';

export interface PoolShape {
  signature: string;
  x: number[];
  y: number[];
  attributes: Record<string, number | number[]>;
}

interface Measured {
  route: Route;
  /** Least CPU ms of forward + backward per route. */
  ms: Record<Route, number>;
}

interface CacheFile {
  format: 'cnn-studio-formulations';
  version: 1;
  machines: Record<string, Record<string, Measured>>;
}

/** The pools of a model whose route is a choice, one per signature, at this batch size. */
export function poolsToMeasure(doc: ModelDocument, batch: number): PoolShape[] {
  const graph = studioForward(doc, true).source.graph;
  const info = inferShapes(graph, { batch });
  const found = new Map<string, PoolShape>();
  for (const n of graph.nodes) {
    if (n.opType !== 'MaxPool') continue;
    const x = info.shapes.get(n.inputs[0]!)?.shape;
    const y = info.shapes.get(n.outputs[0]!)?.shape;
    if (!x || !y) continue;
    const p = spatialParams(n, x.slice(2));
    if (!poolRouteIsChoice(x, y, p)) continue;
    const signature = poolSignature(x, p);
    found.set(signature, { signature, x, y, attributes: { kernel_shape: p.kernel, strides: p.strides, pads: p.pads, ceil_mode: p.ceil ? 1 : 0 } });
  }
  return [...found.values()];
}

/** y = MaxPool(x) and dx for the seed dy, through one route. */
function poolStepModel(pool: PoolShape, route: Route) {
  const g = new GraphBuilder('pool_route');
  g.input('x', 'float32', pool.x);
  g.input('dy', 'float32', pool.y);
  const y = g.op('MaxPool', ['x'], pool.attributes, { outputs: route === 'indices' ? 2 : 1 })[0]!;
  const fwd = g.build();
  const info = inferShapes({ ...fwd, nodes: [...fwd.nodes] });
  const options = { maxPoolRoutes: { [pool.signature]: route } };
  const back = buildBackward({ graph: { ...fwd, nodes: [...g.nodes] }, info, seeds: { [y]: 'dy' }, wrt: ['x'], builder: g, options });
  g.output(y, 'float32', pool.y);
  g.output(back.grads.get('x')!, 'float32', pool.x);
  return makeModel(g.build(), `max pool route probe: ${route}`);
}

/** Times both routes, interleaved (so that machine load affects them alike): least CPU ms of `runs`. */
export async function measurePool(pool: PoolShape, threads: number, runs = 5): Promise<Measured> {
  const routes: Route[] = ['indices', 'slices'];
  const sessions = await Promise.all(routes.map((r) => createSession(poolStepModel(pool, r), { threads, memArena: false })));
  try {
    const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
    // Distinct values (a ramp), so that neither route meets ties it would not meet in training.
    const feeds = {
      x: new ort.Tensor(
        'float32',
        Float32Array.from({ length: size(pool.x) }, (_, i) => Math.sin(i)),
        pool.x,
      ),
      dy: new ort.Tensor('float32', new Float32Array(size(pool.y)).fill(1), pool.y),
    };
    const ms: Record<Route, number> = { indices: Infinity, slices: Infinity };
    for (let i = 0; i <= runs; i++) {
      for (let r = 0; r < routes.length; r++) {
        const t0 = process.cpuUsage();
        await sessions[r]!.run(feeds);
        const d = process.cpuUsage(t0);
        if (i > 0) ms[routes[r]!] = Math.min(ms[routes[r]!], (d.user + d.system) / 1000);
      }
    }
    return { route: ms.slices < ms.indices ? 'slices' : 'indices', ms };
  } finally {
    await Promise.all(sessions.map((s) => s.release()));
  }
}

export function machineKey(threads: number): string {
  return `${os.cpus()[0]?.model ?? 'unknown CPU'}|onnxruntime ${ort.env.versions.node ?? 'unknown'}|threads ${threads}`;
}

async function readCache(file: string): Promise<CacheFile> {
  try {
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<CacheFile>;
    if (json.format === 'cnn-studio-formulations' && json.version === 1 && typeof json.machines === 'object' && json.machines !== null)
      return json as CacheFile;
  } catch {
    // A missing or unreadable cache is an empty one: the routes are measured again.
  }
  return { format: 'cnn-studio-formulations', version: 1, machines: {} };
}

export interface PoolRoutesOptions {
  threads: number;
  log: (message: string, level?: 'info' | 'warn') => void;
  /** Cache file; default <cache dir>/formulations.json. */
  file?: string;
  measure?: typeof measurePool;
}

/**
 * The measured route of each of the model's pools whose route is a choice (from the cache, else
 * measured now and cached). Empty when measuring is off or the model has no such pool.
 */
export async function poolRoutes(doc: ModelDocument, batch: number, o: PoolRoutesOptions): Promise<PoolRoutes> {
  const config = readConfig();
  if (!config.measureRoutes) return {};
  const pools = poolsToMeasure(doc, batch);
  if (pools.length === 0) return {};
  const file = o.file ?? path.join(config.checksCache, 'formulations.json');
  const cache = await readCache(file);
  const key = machineKey(o.threads);
  const known = (cache.machines[key] ??= {});
  const routes: Record<string, Route> = {};
  let measuredNow = 0;
  for (const pool of pools) {
    let m = known[pool.signature];
    if (!m) {
      m = await (o.measure ?? measurePool)(pool, o.threads);
      known[pool.signature] = m;
      measuredNow++;
      o.log(
        `max pool ${pool.signature}: Indices ${m.ms.indices.toFixed(1)} ms, slices ${m.ms.slices.toFixed(1)} ms per step: ${m.route === 'slices' ? 'slices' : 'Indices'} (measured once on this CPU)`,
      );
    }
    routes[pool.signature] = m.route;
  }
  if (measuredNow > 0) {
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await atomicWrite(file, `${JSON.stringify(cache)}\n`);
    } catch (e) {
      o.log(`could not write the formulation cache ${file}: ${e instanceof Error ? e.message : String(e)} (the routes are measured again next time)`, 'warn');
    }
  }
  return routes;
}
