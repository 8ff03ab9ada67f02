/** A dataset problem the user must fix (missing folder, no classes...): the message names the path. */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** One file that was left out, and why (corrupt, empty, unsupported...). */
export interface FileIssue {
  path: string;
  reason: string;
}
