/** The options `cnn-studio template` reads, parsed once for both of its paths (plain and with weights). */
import type { ModelDocument } from '../../core/graph/types';
import { TemplateError, buildTemplate } from '../../core/templates/index';
import { CliError } from './io';
import { wholeFlag } from './whole-flag';

export interface TemplateFlags {
  input?: string;
  classes?: string;
  variant?: string;
  output: string;
  force?: boolean;
  pretrained?: boolean;
  weights?: string;
}

/** "3x224x224" -> [3, 224, 224]. */
export function parseInputSize(v: string): [number, number, number] {
  const m = /^(\d+)[x×](\d+)[x×](\d+)$/i.exec(v.trim());
  const dims = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
  if (dims.length !== 3 || dims.some((d) => !Number.isInteger(d) || d < 1)) throw new CliError(`--input: "${v}" is not CxHxW, e.g. 3x224x224`);
  return dims as [number, number, number];
}

export interface TemplateModel {
  model: ModelDocument;
  /** What --input and --classes asked for; undefined where the template's published default applies. */
  input?: [number, number, number];
  classes?: number;
}

/** Builds template `name` at the size and class count the flags ask for; `variant` undefined = the template's default. */
export function templateModel(name: string, flags: Pick<TemplateFlags, 'input' | 'classes'>, variant: string | undefined): TemplateModel {
  const input = flags.input === undefined ? undefined : parseInputSize(flags.input);
  const classes = wholeFlag('--classes', flags.classes);
  try {
    const model = buildTemplate(name, { ...(variant ? { variant } : {}), ...(input ? { input } : {}), ...(classes ? { classes } : {}) });
    return { model, input, classes };
  } catch (e) {
    if (e instanceof TemplateError) throw new CliError(e.message);
    throw e;
  }
}
