import type { GradRule } from './types';

/** Identity: dx = dy. */
export const identityGrad: GradRule = (_node, [dy], _ctx, need) => (need[0] && dy ? [dy] : []);
