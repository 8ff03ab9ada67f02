/**
 * A minimal zip reader for the archives torch.save writes: entries stored uncompressed (PyTorch's
 * writer never compresses, so that storages can be memory-mapped), zip64 records when the archive
 * or an entry passes 4 GiB. Reads the central directory at the end, then each entry's local header.
 */

export class ZipError extends Error {
  override readonly name = 'ZipError';
}

export interface ZipEntry {
  name: string;
  /** The entry's bytes (a view into the archive, not a copy). */
  data: Uint8Array;
}

const EOCD = 0x06054b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** True when the bytes start like a zip archive (a local file header). */
export function looksLikeZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
}

function findEndRecord(view: DataView): number {
  // The end record is 22 bytes plus a comment of at most 65535 bytes.
  const stop = Math.max(0, view.byteLength - 22 - 0xffff);
  for (let i = view.byteLength - 22; i >= stop; i--) if (view.getUint32(i, true) === EOCD) return i;
  throw new ZipError('not a complete zip archive: its end record is missing (is the file truncated?)');
}

/** Central directory offset and entry count, from the zip64 record when the classic one overflows. */
function directory(view: DataView): { offset: number; count: number } {
  const end = findEndRecord(view);
  let count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  if (offset === 0xffffffff || count === 0xffff) {
    const loc = end - 20;
    if (loc < 0 || view.getUint32(loc, true) !== ZIP64_EOCD_LOCATOR) throw new ZipError('zip64 archive without its locator record');
    const rec = Number(view.getBigUint64(loc + 8, true));
    if (rec + 56 > view.byteLength) throw new ZipError('zip64 end record lies outside the file');
    count = Number(view.getBigUint64(rec + 32, true));
    offset = Number(view.getBigUint64(rec + 48, true));
  }
  return { offset, count };
}

/** Sizes and header offset, widened by the zip64 extra field where the 32-bit fields are 0xffffffff. */
function zip64Fields(view: DataView, extraAt: number, extraLen: number, f: { size: number; csize: number; local: number }): void {
  for (let p = extraAt; p + 4 <= extraAt + extraLen;) {
    const id = view.getUint16(p, true);
    const len = view.getUint16(p + 2, true);
    if (id === 0x0001) {
      let q = p + 4;
      const next = (): number => {
        const v = Number(view.getBigUint64(q, true));
        q += 8;
        return v;
      };
      if (f.size === 0xffffffff) f.size = next();
      if (f.csize === 0xffffffff) f.csize = next();
      if (f.local === 0xffffffff) f.local = next();
    }
    p += 4 + len;
  }
}

/** Every entry of the archive, by name. */
export function readZip(bytes: Uint8Array): Map<string, Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { offset, count } = directory(view);
  const out = new Map<string, Uint8Array>();
  let p = offset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > bytes.length || view.getUint32(p, true) !== CENTRAL) throw new ZipError(`zip directory entry ${i} is damaged`);
    const method = view.getUint16(p + 10, true);
    const f = { csize: view.getUint32(p + 20, true), size: view.getUint32(p + 24, true), local: view.getUint32(p + 42, true) };
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    zip64Fields(view, p + 46 + nameLen, extraLen, f);
    if (method !== 0)
      throw new ZipError(
        `zip entry "${name}" is compressed (method ${method}); torch.save stores entries uncompressed, so this file was repacked: save it again with torch.save`,
      );
    if (f.local + 30 > bytes.length || view.getUint32(f.local, true) !== LOCAL)
      throw new ZipError(`zip entry "${name}": its local header is missing (is the file truncated?)`);
    const dataAt = f.local + 30 + view.getUint16(f.local + 26, true) + view.getUint16(f.local + 28, true);
    if (dataAt + f.size > bytes.length) throw new ZipError(`zip entry "${name}" runs past the end of the file (is the file truncated?)`);
    out.set(name, bytes.subarray(dataAt, dataAt + f.size));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}
