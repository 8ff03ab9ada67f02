/**
 * Loads the generated protobufjs classes from `onnx-proto` (ONNX IR 8 schema) in a way that works
 * in every place core/ runs. The package is CommonJS (`module.exports = $root`): Node's ESM loader
 * exposes it only as the default export, esbuild/vite bundles expose it both ways. Reading
 * `onnx` from the namespace first and from `default` second covers all three.
 */
import * as onnxProtoModule from 'onnx-proto';

export type OnnxProto = typeof onnxProtoModule.onnx;

interface MaybeWrapped {
  onnx?: OnnxProto;
  default?: { onnx?: OnnxProto };
}

function resolve(): OnnxProto {
  const mod = onnxProtoModule as unknown as MaybeWrapped;
  const onnx = mod.onnx ?? mod.default?.onnx;
  if (!onnx) throw new Error('onnx-proto did not load: neither `onnx` nor `default.onnx` is exported');
  return onnx;
}

export const onnxProto: OnnxProto = resolve();
