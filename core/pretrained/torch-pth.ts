/**
 * PyTorch state_dict files (.pth / .pt) as torch.save writes them, read without running code:
 *
 *   zip format (torch >= 1.6): <archive>/data.pkl is a pickle of the OrderedDict whose tensors
 *     name their storage by a persistent id ('storage', <torch.FloatStorage>, key, location, numel);
 *     the storage's bytes are the entry <archive>/data/<key>.
 *   legacy format: pickles in a row (magic number, protocol, system info, the state_dict, the
 *     storage keys), then each storage as an int64 element count and its bytes.
 *
 * Only the globals a state_dict needs are allowed (TORCH_GLOBALS); tensors of any float or integer
 * storage type come back as float32 in row-major order, following their strides.
 */
import { PickleError, PickleTuple, unpickleAt, type PickleCallable, type PickleObject, type PickleValue, type UnpickleOptions } from './pickle';
import { looksLikeZip, readZip } from './zip';

export interface NamedArray {
  shape: number[];
  data: Float32Array;
}

export class WeightsFormatError extends Error {
  override readonly name = 'WeightsFormatError';
}

/** Bytes per element and the reader of one element, per torch storage type. */
const STORAGE_TYPES: Record<string, { bytes: number; read: (v: DataView, at: number) => number }> = {
  FloatStorage: { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  DoubleStorage: { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  HalfStorage: { bytes: 2, read: (v, at) => halfToFloat(v.getUint16(at, true)) },
  BFloat16Storage: { bytes: 2, read: (v, at) => bfloat16ToFloat(v.getUint16(at, true)) },
  LongStorage: { bytes: 8, read: (v, at) => Number(v.getBigInt64(at, true)) },
  IntStorage: { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  ShortStorage: { bytes: 2, read: (v, at) => v.getInt16(at, true) },
  CharStorage: { bytes: 1, read: (v, at) => v.getInt8(at) },
  ByteStorage: { bytes: 1, read: (v, at) => v.getUint8(at) },
  BoolStorage: { bytes: 1, read: (v, at) => (v.getUint8(at) ? 1 : 0) },
};

/** bfloat16 is the upper 16 bits of a float32. */
export function bfloat16ToFloat(b: number): number {
  return new Float32Array(new Uint32Array([b << 16]).buffer)[0]!;
}

/** IEEE half: sign, 5-bit exponent (bias 15), 10-bit fraction. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

interface StorageType extends PickleObject {
  kind: 'storage-type';
  type: string;
}
interface StorageRef extends PickleObject {
  kind: 'storage';
  type: string;
  key: string;
  numel: number;
}
interface TensorRef extends PickleObject {
  kind: 'tensor';
  storage: StorageRef;
  offset: number;
  size: number[];
  stride: number[];
}

const callable = (name: string, call: (args: PickleValue[]) => PickleValue): PickleCallable => ({ kind: 'callable', name, call });
const isObject = <K extends string>(v: PickleValue, kind: K): v is PickleValue & PickleObject & { kind: K } =>
  typeof v === 'object' && v !== null && 'kind' in v && (v as PickleObject).kind === kind;

function ints(v: PickleValue, what: string): number[] {
  const items = v instanceof PickleTuple ? v.items : Array.isArray(v) ? v : null;
  if (!items || !items.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 0))
    throw new PickleError(`a tensor's ${what} is not a tuple of whole numbers`);
  return items as number[];
}

/** _rebuild_tensor(_v2)(storage, storage_offset, size, stride, ...): a view into a storage. */
const rebuildTensor = callable('torch._utils._rebuild_tensor_v2', (args) => {
  const [storage, offset, size, stride] = args;
  if (storage === undefined || !isObject(storage, 'storage')) throw new PickleError('_rebuild_tensor_v2 is called without a storage');
  if (typeof offset !== 'number') throw new PickleError('_rebuild_tensor_v2 is called without a storage offset');
  const t: TensorRef = { kind: 'tensor', storage: storage as StorageRef, offset, size: ints(size!, 'size'), stride: ints(stride!, 'stride') };
  return t;
});

/** nn.Parameter(data, requires_grad, hooks[, state]): the data tensor is all a state_dict needs. */
const rebuildParameter = callable('torch._utils._rebuild_parameter', (args) => {
  if (args[0] === undefined || !isObject(args[0], 'tensor')) throw new PickleError('_rebuild_parameter is called without a tensor');
  return args[0]!;
});

/** The allow list: every global a state_dict's pickle names. Anything else is refused by name. */
export function torchGlobal(module: string, name: string): PickleValue | undefined {
  if (module === 'collections' && name === 'OrderedDict') return callable('collections.OrderedDict', () => new Map());
  if (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor')) return rebuildTensor;
  if (module === 'torch._utils' && (name === '_rebuild_parameter' || name === '_rebuild_parameter_with_state')) return rebuildParameter;
  if (module === 'torch' && Object.hasOwn(STORAGE_TYPES, name)) {
    const t: StorageType = { kind: 'storage-type', type: name };
    return t;
  }
  return undefined;
}

/** ('storage', storage_type, key, location, numel[, view_metadata]) -> a reference to the bytes. */
function storagePid(pid: PickleValue): PickleValue {
  const items = pid instanceof PickleTuple ? pid.items : [];
  const [tag, type, key, , numel] = items;
  if (tag !== 'storage' || !isObject(type!, 'storage-type') || typeof key !== 'string' || typeof numel !== 'number') {
    throw new PickleError('the pickle refers to external data that is not a tensor storage');
  }
  const ref: StorageRef = { kind: 'storage', type: (type as StorageType).type, key, numel };
  return ref;
}

const OPTIONS: UnpickleOptions = { resolveGlobal: torchGlobal, persistentLoad: storagePid };

/** The tensor's elements in row-major order, as float32, read through its strides. */
function materialise(name: string, t: TensorRef, bytes: Uint8Array): Float32Array {
  const spec = STORAGE_TYPES[t.storage.type]!;
  const n = t.size.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (n === 0) return out;
  let last = t.offset;
  for (let d = 0; d < t.size.length; d++) last += (t.size[d]! - 1) * t.stride[d]!;
  if ((last + 1) * spec.bytes > bytes.length) throw new WeightsFormatError(`tensor "${name}" reaches past the end of its storage (the file is damaged)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const index = new Array<number>(t.size.length).fill(0);
  let at = t.offset;
  for (let i = 0; i < n; i++) {
    out[i] = spec.read(view, at * spec.bytes);
    // Odometer over the dimensions, last fastest.
    for (let d = t.size.length - 1; d >= 0; d--) {
      index[d]!++;
      at += t.stride[d]!;
      if (index[d]! < t.size[d]!) break;
      at -= index[d]! * t.stride[d]!;
      index[d] = 0;
    }
  }
  return out;
}

function stateDictTensors(root: PickleValue, storageBytes: (ref: StorageRef) => Uint8Array): Map<string, NamedArray> {
  let dict = root;
  // Training scripts often save {'state_dict': ...} or {'model': ...} around the weights.
  if (dict instanceof Map && ![...dict.values()].some((v) => isObject(v, 'tensor'))) {
    const inner = ['state_dict', 'model', 'model_state_dict'].map((k) => (dict as Map<PickleValue, PickleValue>).get(k)).find((v) => v instanceof Map);
    if (inner) dict = inner;
  }
  if (!(dict instanceof Map)) throw new WeightsFormatError('the file holds no state_dict (a dict of named tensors); save model.state_dict(), not the model');
  const out = new Map<string, NamedArray>();
  for (const [k, v] of dict) {
    if (typeof k !== 'string' || !isObject(v, 'tensor')) continue;
    const t = v as TensorRef;
    out.set(k, { shape: [...t.size], data: materialise(k, t, storageBytes(t.storage)) });
  }
  if (out.size === 0) throw new WeightsFormatError('the state_dict holds no tensors');
  return out;
}

function readZipFormat(bytes: Uint8Array): Map<string, NamedArray> {
  const entries = readZip(bytes);
  const pkl = [...entries.keys()].find((n) => /^[^/]+\/data\.pkl$/.test(n));
  if (!pkl) throw new WeightsFormatError('a zip file without <archive>/data.pkl is not a torch.save file');
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const root = unpickleAt(entries.get(pkl)!, 0, OPTIONS).value;
  return stateDictTensors(root, (ref) => {
    const b = entries.get(`${prefix}data/${ref.key}`);
    if (!b) throw new WeightsFormatError(`storage ${ref.key} is missing from the archive (the file is damaged)`);
    return b;
  });
}

function readLegacyFormat(bytes: Uint8Array): Map<string, NamedArray> {
  const none: UnpickleOptions = { resolveGlobal: () => undefined };
  const magic = unpickleAt(bytes, 0, none);
  if (magic.value !== 0x1950a86a20f9469cfc6cn) throw new WeightsFormatError('not a PyTorch file: neither a torch.save zip nor the legacy format');
  const protocol = unpickleAt(bytes, magic.end, none);
  const sysInfo = unpickleAt(bytes, protocol.end, none);
  const main = unpickleAt(bytes, sysInfo.end, OPTIONS);
  const keys = unpickleAt(bytes, main.end, none);
  if (!Array.isArray(keys.value)) throw new WeightsFormatError('legacy PyTorch file without its storage list');
  // Each storage: int64 element count, then its elements, in the order of the key list.
  const storages = new Map<string, Uint8Array>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = keys.end;
  const types = new Map<string, string>();
  collectStorageTypes(main.value, types);
  for (const key of keys.value) {
    if (typeof key !== 'string') throw new WeightsFormatError('legacy PyTorch file with a malformed storage list');
    if (at + 8 > bytes.length) throw new WeightsFormatError('the file ends before its storages (is it truncated?)');
    const numel = Number(view.getBigInt64(at, true));
    const size = numel * STORAGE_TYPES[types.get(key) ?? 'FloatStorage']!.bytes;
    if (at + 8 + size > bytes.length) throw new WeightsFormatError(`storage ${key} runs past the end of the file (is it truncated?)`);
    storages.set(key, bytes.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return stateDictTensors(main.value, (ref) => {
    const b = storages.get(ref.key);
    if (!b) throw new WeightsFormatError(`storage ${ref.key} is missing from the file (the file is damaged)`);
    return b;
  });
}

function collectStorageTypes(root: PickleValue, types: Map<string, string>): void {
  if (root instanceof Map) for (const v of root.values()) if (isObject(v, 'tensor')) types.set((v as TensorRef).storage.key, (v as TensorRef).storage.type);
}

/** The named tensors of a torch.save file (zip or legacy format). Never runs code from the file. */
export function readTorchStateDict(bytes: Uint8Array): Map<string, NamedArray> {
  return looksLikeZip(bytes) ? readZipFormat(bytes) : readLegacyFormat(bytes);
}
