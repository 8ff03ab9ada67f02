/** Why a model cannot be written as PyTorch code; `node` names the block at fault when there is one. */
export class PytorchExportError extends Error {
  override readonly name = 'PytorchExportError';
  constructor(
    message: string,
    readonly node: string | null = null,
  ) {
    super(message);
  }
}
