/** PyTorch's cross-entropy values (loss-reference.json) for the loss tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface LossReference {
  logits: number[];
  labels: number[];
  weights: number[];
  cases: { smoothing: number; weighted: boolean; loss: number; grad: number[] }[];
}

export const lossReference = JSON.parse(readFileSync(fileURLToPath(new URL('./loss-reference.json', import.meta.url)), 'utf8')) as LossReference;
