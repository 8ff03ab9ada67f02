/** Optimizer configurations with PyTorch's defaults and semantics (torch.optim 1.13). */
export interface SgdConfig {
  kind: 'sgd';
  momentum?: number;
  /** Only 0 is supported in-graph (PyTorch's default). */
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export interface AdamConfig {
  kind: 'adam' | 'adamw';
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Adam: L2 added to the gradient; AdamW: decoupled decay p *= 1 - lr * wd. AdamW default 1e-2. */
  weightDecay?: number;
}

export type OptimizerConfig = SgdConfig | AdamConfig;

/** One optimizer state tensor of a parameter: graph input `name`, updated value output `updated`. */
export interface StateSlot {
  name: string;
  updated: string;
  shape: number[];
}

/** Names of the scalar graph inputs the host feeds every step (float32, shape []). */
export const SCALAR_INPUTS = {
  lr: 'lr',
  stepSize: 'adam_step_size',
  bc2Sqrt: 'adam_bias_correction2_sqrt',
  decay: 'adamw_decay',
} as const;

/** The values one parameter's update reads its scalars from (the inputs, or a group's scaled copies). */
export type ScalarValues = { readonly [K in keyof typeof SCALAR_INPUTS]: string };
