/**
 * Mutates real model files thousands of times: every result must be a Model or an
 * OnnxFormatError (never another exception, a hang, or a runaway allocation), and any model that
 * decodes must encode again and import (or be refused with an OnnxFormatError).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OnnxFormatError } from '../../../core/onnx/errors';
import { decodeModel, encodeModel } from '../../../core/onnx/proto';
import { importOnnx } from '../../../core/onnx/import';
import { loadFixture, type FixtureModel } from '../../helpers/fixture-onnx';

const MUTATIONS_PER_FILE = 1000;
// A hang guard, not a speed target: ~2 s on an idle 2-core machine, 15 s with the machine loaded.
const TIME_BUDGET_MS = 60_000;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    // xorshift32: deterministic, so a failure can be replayed from its seed.
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const int = (n: number): number => Math.floor(r() * n);
  // Most structure (headers, lengths, dims, attributes) sits outside the big weight blobs, which
  // protobufjs skips over; bias the positions towards the start and end of the file.
  const pos = (): number => (r() < 0.5 ? int(Math.min(src.length, 4096)) : r() < 0.5 ? src.length - 1 - int(Math.min(src.length, 4096)) : int(src.length));
  const out = src.slice();
  switch (int(7)) {
    case 0: {
      // flip bits
      for (let k = 1 + int(8); k > 0; k--) {
        const p = pos();
        out[p] = out[p]! ^ (1 << int(8));
      }
      return out;
    }
    case 1: {
      // interesting byte values (varint continuation, max, zero)
      const vals = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x08, 0x12, 0x1a, 0x3a];
      for (let k = 1 + int(4); k > 0; k--) out[pos()] = vals[int(vals.length)]!;
      return out;
    }
    case 2:
      return src.slice(0, int(src.length)); // truncate
    case 3: {
      // delete a range
      const p = pos();
      const n = 1 + int(64);
      return concat(src.subarray(0, p), src.subarray(Math.min(src.length, p + n)));
    }
    case 4: {
      // insert random bytes
      const p = pos();
      return concat(
        src.subarray(0, p),
        Uint8Array.from({ length: 1 + int(32) }, () => int(256)),
        src.subarray(p),
      );
    }
    case 5: {
      // duplicate a chunk (repeated fields, duplicate names)
      const p = pos();
      const chunk = src.subarray(p, p + 1 + int(512));
      return concat(src.subarray(0, p + chunk.length), chunk, src.subarray(p + chunk.length));
    }
    default: {
      // large varint in a random place (declared lengths/dims)
      const p = pos();
      for (let i = 0; i < 9 && p + i < out.length; i++) out[p + i] = i < 8 ? 0xff : 0x01;
      return out;
    }
  }
}

describe('ONNX decoder fuzz', () => {
  const files: FixtureModel[] = ['googlenet_mini', 'resnet_mini', 'lenet5'];
  it(
    `${files.length * MUTATIONS_PER_FILE} mutations of real files give a Model or an OnnxFormatError`,
    () => {
      const started = Date.now();
      let decoded = 0,
        refused = 0,
        imported = 0;
      const codes = new Map<string, number>();
      for (const [fi, name] of files.entries()) {
        const src = new Uint8Array(readFileSync(loadFixture(name).onnxPath));
        const r = rng(0x9e3779b9 + fi);
        for (let i = 0; i < MUTATIONS_PER_FILE; i++) {
          const bytes = mutate(src, r);
          try {
            const model = decodeModel(bytes);
            encodeModel(model);
            decoded++;
            // What decodes must also import, or be refused with a typed error.
            importOnnx(model);
            imported++;
          } catch (e) {
            if (!(e instanceof OnnxFormatError)) {
              throw new Error(`${name} mutation ${i}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
            }
            expect(e.message.length).toBeGreaterThan(10);
            codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
            refused++;
          }
        }
      }
      const ms = Date.now() - started;
      console.log(
        `fuzz: ${files.length * MUTATIONS_PER_FILE} mutations in ${ms} ms: ${decoded} decoded (${imported} imported), ${refused} refused`,
        Object.fromEntries(codes),
      );
      expect(ms).toBeLessThan(TIME_BUDGET_MS);
    },
    2 * TIME_BUDGET_MS,
  );
});
