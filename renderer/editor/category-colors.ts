/** One accent per palette category, used on node stripes, palette chips and the minimap. */
export const CATEGORY_COLOR: Record<string, string> = {
  'Input/Output': '#7c5cff',
  Convolution: '#2f7de1',
  Pooling: '#12a4a4',
  Normalization: '#d08a16',
  Activation: '#e0508a',
  Regularization: '#8a8f98',
  Shape: '#6b7f3a',
  Merge: '#c2562c',
  Dense: '#3a9a5b',
  Composite: '#9b59b6',
  Unknown: '#d23f3f',
};

export const categoryColor = (c: string): string => CATEGORY_COLOR[c] ?? '#8a8f98';
