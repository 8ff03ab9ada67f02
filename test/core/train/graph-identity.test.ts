/**
 * The training graphs are a pure function of the op tables: the fixtures' train steps (CPU and
 * WebGPU formulations) and every gradient-rule case hash to the recorded ModelProto bytes. A change
 * that alters a graph on purpose updates graph-identity.json (the failure prints the new hashes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fixtureStepHashes, gradCaseHashes } from '../../helpers/graph-identity';

const recorded = JSON.parse(readFileSync(new URL('./graph-identity.json', import.meta.url), 'utf8')) as Record<string, string>;
const pick = (prefix: string) => Object.fromEntries(Object.entries(recorded).filter(([k]) => k.startsWith(prefix)));

describe('generated ONNX graphs are byte-identical to the recorded ones', () => {
  it('fixture train steps', () => {
    expect(fixtureStepHashes()).toEqual(pick('fixture/'));
  });
  it('gradient-rule cases', () => {
    expect(gradCaseHashes()).toEqual(pick('grad/'));
  });
});
