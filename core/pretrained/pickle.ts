/**
 * A restricted unpickler: reads the pickle protocol 0-5 opcodes a PyTorch state_dict uses and
 * executes nothing. Python's pickle calls whatever global a file names (`os.system` included);
 * here a global is only a name looked up in the caller's allow list (`resolveGlobal`), and anything
 * not on it is refused by its dotted name before any later opcode runs. REDUCE / NEWOBJ / BUILD
 * call only the `PickleCallable`s that list returned.
 */

/** A value on the unpickler's stack. Dicts are Maps (OrderedDict keeps insertion order too). */
export type PickleValue = null | boolean | number | bigint | string | Uint8Array | PickleValue[] | PickleTuple | Map<PickleValue, PickleValue> | PickleObject;

/** Python tuples stay distinct from lists so that callers can check what they were given. */
export class PickleTuple {
  constructor(readonly items: PickleValue[]) {}
}

/** An object an allowed global produced (a tensor, a storage type, ...); `kind` says which. */
export interface PickleObject {
  readonly kind: string;
}

/** A global the caller allows: called by REDUCE/NEWOBJ with its arguments; BUILD may set state. */
export interface PickleCallable extends PickleObject {
  readonly kind: 'callable';
  readonly name: string;
  call(args: PickleValue[]): PickleValue;
}

export class PickleError extends Error {
  override readonly name = 'PickleError';
}

export interface UnpickleOptions {
  /** The value for `module.name`, or undefined to refuse it. */
  resolveGlobal(module: string, name: string): PickleValue | undefined;
  /** BINPERSID / PERSID: what a persistent id stands for (PyTorch's storages). */
  persistentLoad?(pid: PickleValue): PickleValue;
}

const MARK = Symbol('mark');
type Slot = PickleValue | typeof MARK;

export const isCallable = (v: PickleValue): v is PickleCallable =>
  typeof v === 'object' &&
  v !== null &&
  !(v instanceof Uint8Array) &&
  !Array.isArray(v) &&
  !(v instanceof Map) &&
  !(v instanceof PickleTuple) &&
  v.kind === 'callable';

/** Reads little-endian numbers and strings off the pickle bytes, never past their end. */
class Reader {
  pos = 0;
  private readonly view: DataView;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number): number {
    if (n < 0 || this.pos + n > this.bytes.length) throw new PickleError(`the pickle ends early (at byte ${this.pos}, ${n} more needed)`);
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8 = (): number => this.bytes[this.need(1)]!;
  u16 = (): number => this.view.getUint16(this.need(2), true);
  u32 = (): number => this.view.getUint32(this.need(4), true);
  i32 = (): number => this.view.getInt32(this.need(4), true);
  u64 = (): number => Number(this.view.getBigUint64(this.need(8), true));
  f64 = (): number => this.view.getFloat64(this.need(8), false);
  bytesOf = (n: number): Uint8Array => {
    const at = this.need(n);
    return this.bytes.subarray(at, at + n);
  };
  utf8 = (n: number): string => new TextDecoder().decode(this.bytesOf(n));
  line = (): string => {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new PickleError(`the pickle ends early (a text line from byte ${this.pos} has no end)`);
    const s = new TextDecoder().decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  };
}

/** LONG1/LONG4 payload: a little-endian two's-complement integer. */
function decodeLong(b: Uint8Array): number | bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b.length > 0 && b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Unpickles `bytes`; every global goes through `opts.resolveGlobal`. */
export function unpickle(bytes: Uint8Array, opts: UnpickleOptions): PickleValue {
  return unpickleAt(bytes, 0, opts).value;
}

/** One pickle starting at `offset`; `end` is the byte after its STOP (files may hold several in a row). */
export function unpickleAt(bytes: Uint8Array, offset: number, opts: UnpickleOptions): { value: PickleValue; end: number } {
  const m = new Machine(bytes, opts, offset);
  const value = m.run();
  return { value, end: m.position };
}

class Machine {
  private readonly r: Reader;
  private readonly stack: Slot[] = [];
  private readonly memo = new Map<number, PickleValue>();
  constructor(
    bytes: Uint8Array,
    private readonly opts: UnpickleOptions,
    offset: number,
  ) {
    this.r = new Reader(bytes);
    this.r.pos = offset;
  }
  get position(): number {
    return this.r.pos;
  }

  run(): PickleValue {
    for (;;) {
      const at = this.r.pos;
      const op = this.r.u8();
      if (op === 0x2e /* STOP . */) return this.pop();
      if (!this.step(op))
        throw new PickleError(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at} (not something a state_dict contains)`);
    }
  }

  private push = (v: PickleValue): void => void this.stack.push(v);
  private pop(): PickleValue {
    const v = this.stack.pop();
    if (v === undefined || v === MARK) throw new PickleError('malformed pickle: the stack is empty where a value is needed');
    return v;
  }
  private top(): PickleValue {
    const v = this.stack[this.stack.length - 1];
    if (v === undefined || v === MARK) throw new PickleError('malformed pickle: the stack is empty where a value is needed');
    return v;
  }
  /** Everything above the last MARK, which is removed. */
  private popMark(): PickleValue[] {
    const i = this.stack.lastIndexOf(MARK);
    if (i < 0) throw new PickleError('malformed pickle: no MARK on the stack');
    const items = this.stack.splice(i) as PickleValue[];
    items.shift();
    return items;
  }
  private get(i: number): PickleValue {
    if (!this.memo.has(i)) throw new PickleError(`malformed pickle: memo entry ${i} is read before it is written`);
    return this.memo.get(i)!;
  }
  private global(module: string, name: string): PickleValue {
    const v = this.opts.resolveGlobal(module, name);
    if (v === undefined)
      throw new PickleError(`refused to load the global ${module}.${name}: a weights file needs only tensors and dicts, and this one names code to run`);
    return v;
  }
  private call(fn: PickleValue, args: PickleValue): PickleValue {
    if (!isCallable(fn)) throw new PickleError('malformed pickle: REDUCE on something that is not an allowed callable');
    if (!(args instanceof PickleTuple)) throw new PickleError(`malformed pickle: ${fn.name} is called with arguments that are not a tuple`);
    return fn.call(args.items);
  }
  private dict(): Map<PickleValue, PickleValue> {
    const d = this.top();
    if (!(d instanceof Map)) throw new PickleError('malformed pickle: SETITEM(S) on something that is not a dict');
    return d;
  }
  private list(): PickleValue[] {
    const l = this.top();
    if (!Array.isArray(l)) throw new PickleError('malformed pickle: APPEND(S) on something that is not a list');
    return l;
  }
  private setItems(d: Map<PickleValue, PickleValue>, items: PickleValue[]): void {
    if (items.length % 2) throw new PickleError('malformed pickle: SETITEMS with an odd number of values');
    for (let i = 0; i < items.length; i += 2) d.set(items[i]!, items[i + 1]!);
  }
  private persistent(pid: PickleValue): PickleValue {
    if (!this.opts.persistentLoad) throw new PickleError('the pickle refers to external storage, which this reader does not accept here');
    return this.opts.persistentLoad(pid);
  }

  /** One opcode; false for an opcode this reader does not implement. Cases follow Python's pickle.py. */
  private step(op: number): boolean {
    return this.scalar(op) || this.container(op) || this.control(op);
  }

  /** Protocol framing and scalar values: numbers, strings, bytes. */
  private scalar(op: number): boolean {
    const r = this.r;
    switch (op) {
      case 0x80:
        r.u8();
        return true; // PROTO n
      case 0x95:
        r.need(8);
        return true; // FRAME: a length hint only
      case 0x28:
        this.stack.push(MARK);
        return true; // MARK (
      case 0x4e:
        this.push(null);
        return true; // NONE N
      case 0x88:
        this.push(true);
        return true; // NEWTRUE
      case 0x89:
        this.push(false);
        return true; // NEWFALSE
      case 0x4a:
        this.push(r.i32());
        return true; // BININT J
      case 0x4b:
        this.push(r.u8());
        return true; // BININT1 K
      case 0x4d:
        this.push(r.u16());
        return true; // BININT2 M
      case 0x8a:
        this.push(decodeLong(r.bytesOf(r.u8())));
        return true; // LONG1
      case 0x8b:
        this.push(decodeLong(r.bytesOf(r.u32())));
        return true; // LONG4
      case 0x47:
        this.push(r.f64());
        return true; // BINFLOAT G (big-endian)
      case 0x49:
        this.push(intLine(r.line()));
        return true; // INT I (protocol 0)
      case 0x58:
        this.push(r.utf8(r.u32()));
        return true; // BINUNICODE X
      case 0x8c:
        this.push(r.utf8(r.u8()));
        return true; // SHORT_BINUNICODE
      case 0x8d:
        this.push(r.utf8(r.u64()));
        return true; // BINUNICODE8
      case 0x54:
        this.push(new TextDecoder('latin1').decode(r.bytesOf(r.u32())));
        return true; // BINSTRING T
      case 0x55:
        this.push(new TextDecoder('latin1').decode(r.bytesOf(r.u8())));
        return true; // SHORT_BINSTRING U
      case 0x42:
        this.push(r.bytesOf(r.u32()));
        return true; // BINBYTES B
      case 0x43:
        this.push(r.bytesOf(r.u8()));
        return true; // SHORT_BINBYTES C
      case 0x8e:
        this.push(r.bytesOf(r.u64()));
        return true; // BINBYTES8
      default:
        return false;
    }
  }

  /** Tuples, lists and dicts. */
  private container(op: number): boolean {
    switch (op) {
      case 0x29:
        this.push(new PickleTuple([]));
        return true; // EMPTY_TUPLE )
      case 0x85:
        this.push(new PickleTuple([this.pop()]));
        return true; // TUPLE1
      case 0x86: {
        const b = this.pop();
        const a = this.pop();
        this.push(new PickleTuple([a, b]));
        return true;
      } // TUPLE2
      case 0x87: {
        const c = this.pop();
        const b = this.pop();
        const a = this.pop();
        this.push(new PickleTuple([a, b, c]));
        return true;
      } // TUPLE3
      case 0x74:
        this.push(new PickleTuple(this.popMark()));
        return true; // TUPLE t
      case 0x5d:
        this.push([]);
        return true; // EMPTY_LIST ]
      case 0x6c:
        this.push(this.popMark());
        return true; // LIST l
      case 0x61: {
        const v = this.pop();
        this.list().push(v);
        return true;
      } // APPEND a
      case 0x65: {
        const items = this.popMark();
        this.list().push(...items);
        return true;
      } // APPENDS e
      case 0x7d:
        this.push(new Map());
        return true; // EMPTY_DICT }
      case 0x64: {
        const d = new Map<PickleValue, PickleValue>();
        this.setItems(d, this.popMark());
        this.push(d);
        return true;
      } // DICT d
      case 0x73: {
        const v = this.pop();
        const k = this.pop();
        this.dict().set(k, v);
        return true;
      } // SETITEM s
      case 0x75: {
        const items = this.popMark();
        this.setItems(this.dict(), items);
        return true;
      } // SETITEMS u
      default:
        return false;
    }
  }

  /** Stack, memo, globals, calls and persistent ids. */
  private control(op: number): boolean {
    const r = this.r;
    switch (op) {
      case 0x30:
        this.pop();
        return true; // POP 0
      case 0x31:
        this.popMark();
        return true; // POP_MARK 1
      case 0x32:
        this.push(this.top());
        return true; // DUP 2
      case 0x71:
        this.memo.set(r.u8(), this.top());
        return true; // BINPUT q
      case 0x72:
        this.memo.set(r.u32(), this.top());
        return true; // LONG_BINPUT r
      case 0x94:
        this.memo.set(this.memo.size, this.top());
        return true; // MEMOIZE
      case 0x68:
        this.push(this.get(r.u8()));
        return true; // BINGET h
      case 0x6a:
        this.push(this.get(r.u32()));
        return true; // LONG_BINGET j
      case 0x63: {
        const module = r.line();
        const name = r.line();
        this.push(this.global(module, name));
        return true;
      } // GLOBAL c
      case 0x93: {
        const name = this.pop();
        const module = this.pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('malformed pickle: STACK_GLOBAL needs two strings');
        this.push(this.global(module, name));
        return true;
      }
      case 0x52: {
        const args = this.pop();
        const fn = this.pop();
        this.push(this.call(fn, args));
        return true;
      } // REDUCE R
      case 0x81: {
        const args = this.pop();
        const cls = this.pop();
        this.push(this.call(cls, args));
        return true;
      } // NEWOBJ
      case 0x62: {
        this.pop();
        this.top();
        return true;
      } // BUILD b: state (OrderedDict's _metadata) is not needed
      case 0x51:
        this.push(this.persistent(this.pop()));
        return true; // BINPERSID Q
      case 0x50:
        this.push(this.persistent(r.line()));
        return true; // PERSID P
      default:
        return false;
    }
  }
}

function intLine(s: string): number | boolean {
  if (s === '00') return false;
  if (s === '01') return true;
  const n = Number(s);
  if (!Number.isInteger(n)) throw new PickleError(`malformed pickle: INT "${s}" is not a whole number`);
  return n;
}
