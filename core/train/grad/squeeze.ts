import { reshapeGrad } from './reshape';
import type { GradRule } from './types';

/** Squeeze only changes the shape: dx = Reshape(dy, x.shape). */
export const squeezeGrad: GradRule = reshapeGrad;
