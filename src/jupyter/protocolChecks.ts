/** Field-level checks of the protocol (each throws a ProtocolError naming the field); internal to protocol*.ts. */
import { TransferHeader, validateTransferHeader } from '../core/transfer';
import {
  HexColor,
  MAX_ARRAY_BYTES,
  MAX_ID_LENGTH,
  MAX_ITEM_LIST,
  MAX_NDIM,
  MAX_PROPERTIES,
  MAX_STRING_LENGTH,
  MIN_NDIM,
  PROPERTY_DTYPES,
  ProtocolError
} from './protocolTypes';

// -- field checks (messages mirror seglab/descriptors.py) -------------------------------------

export type Obj = Record<string, unknown>;

export function show(value: unknown): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function fail(field: string, expected: string, value: unknown): never {
  throw new ProtocolError(`${field}: expected ${expected}, got ${show(value)}`);
}

export function requireObject(value: unknown, field: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(field, 'an object', value);
  }
  return value as Obj;
}

export function requireString(value: unknown, field: string, max = MAX_ID_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    fail(field, `a string of 1 to ${max} characters`, value);
  }
  return value;
}

export function requireInt(value: unknown, field: string, lo = 0, hi = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || (value as number) < lo || (value as number) > hi) {
    fail(field, `an int in [${lo}, ${hi}]`, value);
  }
  return value as number;
}

interface Bounds {
  lo?: number;
  hi?: number;
  above?: number;
}

export function requireNumber(value: unknown, field: string, { lo, hi, above }: Bounds = {}): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (lo === undefined || value >= lo) &&
    (hi === undefined || value <= hi) &&
    (above === undefined || value > above);
  if (!ok) {
    const bounds = [lo !== undefined ? `>= ${lo}` : '', hi !== undefined ? `<= ${hi}` : '', above !== undefined ? `> ${above}` : ''];
    fail(field, ['a finite number', ...bounds.filter(b => b)].join(' '), value);
  }
  return value as number;
}

export function requireBool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') {
    fail(field, 'a bool', value);
  }
  return value;
}

export function requireEnum<T extends string>(value: unknown, field: string, options: readonly T[]): T {
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    fail(field, `one of ${options.join(', ')}`, value);
  }
  return value as T;
}

export function requireList(value: unknown, field: string, length?: number, max = MAX_ITEM_LIST): unknown[] {
  if (!Array.isArray(value)) {
    fail(field, 'a list', value);
  }
  if (length !== undefined && value.length !== length) {
    throw new ProtocolError(`${field}: expected ${length} items, got ${value.length}`);
  }
  if (value.length > max) {
    throw new ProtocolError(`${field}: expected at most ${max} items, got ${value.length}`);
  }
  return value;
}

const HEX_COLOR = /^#[0-9a-fA-F]{8}$/;

export function requireColor(value: unknown, field: string): HexColor {
  if (typeof value !== 'string' || !HEX_COLOR.test(value)) {
    fail(field, "a colour '#rrggbbaa'", value);
  }
  return value;
}

/** One value for every item, or a non-empty list with one per item (`n` undefined: any length). */
export function requirePerItem(value: unknown, field: string, n: number | undefined, one: (v: unknown, f: string) => unknown): void {
  if (Array.isArray(value)) {
    if (value.length === 0) {
      fail(field, 'one value (a per-item list is never empty)', value);
    }
    requireList(value, field, n).forEach((item, i) => one(item, `${field}[${i}]`));
  } else {
    one(value, field);
  }
}

export function requireProperties(value: unknown, field: string, n: number | undefined): void {
  const names = new Set<string>();
  requireList(value, field, undefined, MAX_PROPERTIES).forEach((item, c) => {
    const where = `${field}[${c}]`;
    const column = requireObject(item, where);
    const name = requireString(column.name, `${where}.name`, MAX_STRING_LENGTH);
    if (names.has(name)) {
      throw new ProtocolError(`${where}.name: duplicate property name ${show(name)}`);
    }
    names.add(name);
    const dtype = requireEnum(column.dtype, `${where}.dtype`, PROPERTY_DTYPES);
    const extra = Object.keys(column).filter(k => !['name', 'dtype', 'values'].includes(k));
    if (extra.length) {
      throw new ProtocolError(`${where}: unexpected keys ${show(extra.sort())}`);
    }
    requireList(column.values, `${where}.values`, n).forEach((v, i) => {
      const at = `${where}.values[${i}]`;
      if (dtype === 'float64' && v !== null) requireNumber(v, at);
      else if (dtype === 'int64') requireInt(v, at, -Number.MAX_SAFE_INTEGER);
      else if (dtype === 'bool') requireBool(v, at);
      else if (dtype === 'str' && !(typeof v === 'string' && v.length <= MAX_STRING_LENGTH)) {
        fail(at, `a string of at most ${MAX_STRING_LENGTH} characters`, v);
      }
    });
  });
}

export function requireVector(value: unknown, field: string, ndim: number | undefined, positive: boolean): void {
  const list = requireList(value, field, ndim, MAX_NDIM);
  if (ndim === undefined && list.length < MIN_NDIM) {
    fail(field, `${MIN_NDIM} to ${MAX_NDIM} numbers`, value);
  }
  list.forEach((v, i) => requireNumber(v, `${field}[${i}]`, positive ? { above: 0 } : {}));
}

/** A transfer header whose size must be `expected` (0 allowed only for item-less layers). */
export function requireTransfer(value: unknown, expected: number): TransferHeader {
  let header: TransferHeader;
  if (expected === 0) {
    const h = requireObject(value, 'transfer');
    requireString(h.id, 'transfer.id');
    requireInt(h.chunk_bytes, 'transfer.chunk_bytes', 1);
    if (h.nbytes !== 0 || h.n_chunks !== 0) {
      fail('transfer', 'nbytes 0 and n_chunks 0 for a layer without items', value);
    }
    header = h as unknown as TransferHeader;
  } else {
    try {
      header = validateTransferHeader(value, MAX_ARRAY_BYTES);
    } catch (err) {
      throw new ProtocolError(`transfer: ${(err as Error).message}`);
    }
  }
  if (header.nbytes !== expected) {
    throw new ProtocolError(`transfer.nbytes: expected ${expected} for the announced data, got ${header.nbytes}`);
  }
  return header;
}
