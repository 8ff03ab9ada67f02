/**
 * Templates: classic architectures built from the block library, with the input size and class
 * count as parameters. At 3×224×224 and 1000 classes the parameter counts equal torchvision's.
 */
import type { ModelDocument } from '../graph/types';
import { alexnet } from './alexnet';
import { googlenet } from './googlenet';
import { lenet5 } from './lenet5';
import { resnet101, resnet152, resnet18, resnet34, resnet50 } from './resnet';
import { TemplateError, type Template, type TemplateOptions } from './template';
import { vgg16 } from './vgg16';
import { mobilenetV2, mobilenetV3Large, mobilenetV3Small } from './mobilenet';
import { efficientnetB0 } from './efficientnet';

export const TEMPLATES: readonly Template[] = [
  lenet5,
  alexnet,
  vgg16,
  googlenet,
  resnet18,
  resnet34,
  resnet50,
  resnet101,
  resnet152,
  mobilenetV2,
  mobilenetV3Small,
  mobilenetV3Large,
  efficientnetB0,
];

export function getTemplate(id: string): Template | undefined {
  return TEMPLATES.find((t) => t.id === id);
}

export function buildTemplate(id: string, opts: TemplateOptions = {}): ModelDocument {
  const t = getTemplate(id);
  if (!t) throw new TemplateError(`unknown template "${id}"; choose one of ${TEMPLATES.map((x) => x.id).join(', ')}`);
  const variant = opts.variant ?? t.variants[0]!;
  if (!t.variants.includes(variant)) throw new TemplateError(`${t.label} has no variant "${variant}"; choose one of ${t.variants.join(', ')}`);
  const input = opts.input ?? t.defaultInput;
  if (input.length !== 3 || input.some((d) => !Number.isInteger(d) || d < 1))
    throw new TemplateError(`input must be three positive whole numbers C×H×W, got ${input.join('×')}`);
  const classes = opts.classes ?? t.defaultClasses;
  if (!Number.isInteger(classes) || classes < 1) throw new TemplateError(`classes must be a whole number >= 1, got ${classes}`);
  return t.build({ input, classes, variant });
}

export { TemplateError, type Template, type TemplateOptions } from './template';
