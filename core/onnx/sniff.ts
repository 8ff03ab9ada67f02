/**
 * Recognises files that are plainly not ONNX models, so the error says what the file IS ("a PNG
 * image", "a PyTorch checkpoint") instead of a protobuf wire error. Protobuf has no magic number,
 * so this only ever adds a hint; it never accepts a file.
 */

function startsWith(bytes: Uint8Array, sig: number[], at = 0): boolean {
  if (bytes.length < at + sig.length) return false;
  return sig.every((b, i) => bytes[at + i] === b);
}

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

const SIGNATURES: Array<{ sig: number[]; at?: number; what: string }> = [
  { sig: [0x50, 0x4b, 0x03, 0x04], what: 'it is a ZIP archive (a PyTorch .pt/.pth checkpoint?), not an ONNX file' },
  { sig: [0x80, 0x02], what: 'it is a Python pickle (a PyTorch checkpoint?), not an ONNX file' },
  { sig: [0x80, 0x04], what: 'it is a Python pickle (a PyTorch checkpoint?), not an ONNX file' },
  { sig: [0x89, 0x48, 0x44, 0x46], what: 'it is an HDF5 file (a Keras .h5 model?), not an ONNX file' },
  { sig: ascii('TFL3'), at: 4, what: 'it is a TensorFlow Lite model, not an ONNX file' },
  { sig: [0x89, 0x50, 0x4e, 0x47], what: 'it is a PNG image' },
  { sig: [0xff, 0xd8, 0xff], what: 'it is a JPEG image' },
  { sig: ascii('GIF8'), what: 'it is a GIF image' },
  { sig: ascii('%PDF'), what: 'it is a PDF document' },
  { sig: [0x1f, 0x8b], what: 'it is gzip-compressed; decompress it first' },
];

function isTextByte(b: number): boolean {
  return b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f) || b >= 0x80;
}

/** True when the start of the file reads as text: a real ModelProto has control bytes early. */
export function looksLikeText(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 256);
  if (n === 0) return false;
  let high = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (!isTextByte(b)) return false;
    if (b >= 0x80) high++;
  }
  // Mostly-high bytes are more likely binary noise than UTF-8 text.
  return high * 4 < n;
}

export function describeNonOnnx(bytes: Uint8Array): string | null {
  if (bytes.length === 0) return 'the file is empty';
  for (const s of SIGNATURES) if (startsWith(bytes, s.sig, s.at ?? 0)) return s.what;
  if (looksLikeText(bytes)) {
    let i = 0;
    while (
      i < bytes.length &&
      (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09 || bytes[i] === 0xef || bytes[i] === 0xbb || bytes[i] === 0xbf)
    )
      i++;
    const first = bytes[i];
    if (first === 0x7b || first === 0x5b) return 'it is a JSON text file (a CNN Studio project?)';
    if (first === 0x3c) return 'it is an XML/HTML text file';
    if (first === 0x69 && startsWith(bytes, ascii('ir_version'), i)) return 'it is ONNX in protobuf TEXT format; convert it to the binary format first';
    return 'it is a text file; ONNX models are binary protobuf files';
  }
  return null;
}
