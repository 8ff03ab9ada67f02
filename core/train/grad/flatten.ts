import { reshapeGrad } from './reshape';
import type { GradRule } from './types';

/** Flatten only changes the shape: dx = Reshape(dy, x.shape). */
export const flattenGrad: GradRule = reshapeGrad;
