/**
 * The one error type every ONNX reader in the studio throws for a file it cannot use. Callers
 * (CLI, UI, importer) show `message` as is: it names the problem and, where there is one, the
 * tensor, node or file involved.
 */
export type OnnxErrorCode =
  'empty' | 'not-onnx' | 'malformed' | 'bad-tensor' | 'external-data' | 'unsupported' | 'invalid-graph' | 'cycle' | 'missing-value' | 'opset';

export class OnnxFormatError extends Error {
  override readonly name = 'OnnxFormatError';
  constructor(
    readonly code: OnnxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isOnnxFormatError(e: unknown): e is OnnxFormatError {
  return e instanceof OnnxFormatError;
}
