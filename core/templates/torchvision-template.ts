/** What the templates in torchvision's layout share: ImageNet defaults and a build that starts with the input block. */
import { DocBuilder } from '../graph/doc-builder';
import type { Template } from './template';

/** What differs between them: the fields of a torchvision ImageNet template (3×224×224 input, 1000 classes, one variant). */
export type TorchvisionTemplateInfo = Pick<Template, 'id' | 'label' | 'description'>;

/** A template in torchvision's defaults whose build starts with the input block; `body` adds the rest of the net after it. */
export function torchvisionTemplate(info: TorchvisionTemplateInfo, body: (b: DocBuilder, classes: number) => void): Template {
  return {
    ...info,
    defaultInput: [3, 224, 224],
    defaultClasses: 1000,
    variants: ['torchvision'],
    build({ input: [c, h, w], classes }) {
      const b = new DocBuilder();
      b.then('input', 'input', { channels: c, height: h, width: w });
      body(b, classes);
      return b.build();
    },
  };
}
