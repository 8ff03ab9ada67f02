import { reshapeGrad } from './reshape';
import type { GradRule } from './types';

/** Unsqueeze only changes the shape: dx = Reshape(dy, x.shape). */
export const unsqueezeGrad: GradRule = reshapeGrad;
