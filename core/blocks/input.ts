import { definePrimitive } from './define';
import { MAX_IMAGE_SIDE, num, p } from './params';

/** The image fed to the network: N×C×H×W float32. Emits nothing; the graph input is its value. */
export const input = definePrimitive({
  type: 'input',
  label: 'Input (image)',
  category: 'Input/Output',
  description: 'The input image: channels × height × width.',
  aliases: ['image', 'data', 'placeholder', 'InputLayer'],
  params: {
    channels: p.int('Channels', 3, 1, 4096),
    height: p.int('Height', 224, 1, MAX_IMAGE_SIDE),
    width: p.int('Width', 224, 1, MAX_IMAGE_SIDE),
  },
  inputPorts: () => [],
  infer: (_i, P) => ({ ok: true, shapes: [[num(P, 'channels'), num(P, 'height'), num(P, 'width')]] }),
  // emitForward binds the graph input itself; this is only reached if called directly.
  emit: (_g, a) => ({ outputs: [a.inputs[0] ?? a.name] }),
  nameStem: 'input',
  // The input tensor itself: forward's parameter, no module.
  pytorch: () => ({ ctor: null }),
});
