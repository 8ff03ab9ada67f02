/** The drag-and-drop type of a palette block (its block type is the payload). */
export const BLOCK_MIME = 'application/x-cnn-studio-block';
