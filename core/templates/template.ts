/** What every template takes and declares. */
import type { ModelDocument } from '../graph/types';

export interface TemplateOptions {
  /** [channels, height, width]; each template has its published default. */
  input?: [number, number, number];
  classes?: number;
  variant?: string;
}

export interface ResolvedOptions {
  input: [number, number, number];
  classes: number;
  variant: string;
}

export interface Template {
  id: string;
  label: string;
  description: string;
  defaultInput: [number, number, number];
  defaultClasses: number;
  /** The first is the default. */
  variants: readonly string[];
  build(o: ResolvedOptions): ModelDocument;
}

/** Unknown template or variant, or options out of range. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}
