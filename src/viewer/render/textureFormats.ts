import { DType, TypedArray } from '../../core/dtypes';
import { NDArray } from '../../core/ndarray';

/** Which GLSL sampler type reads a texture: floats, unsigned or signed integers. */
export type SamplerKind = 'float' | 'uint' | 'int';

export interface TextureFormat {
  internalFormat: number;
  format: number;
  type: number;
  sampler: SamplerKind;
  channels: number;
  /** The pixels in the element type the texture wants, row-major, `channels` per pixel. */
  pixels: TypedArray;
}

// WebGL2 enums, spelled out so that this module can be used (and tested) without a context.
export const GL = {
  BYTE: 0x1400,
  UNSIGNED_BYTE: 0x1401,
  SHORT: 0x1402,
  UNSIGNED_SHORT: 0x1403,
  INT: 0x1404,
  UNSIGNED_INT: 0x1405,
  FLOAT: 0x1406,
  RED: 0x1903,
  RGB: 0x1907,
  RGBA: 0x1908,
  RED_INTEGER: 0x8d94,
  RGB_INTEGER: 0x8d98,
  RGBA_INTEGER: 0x8d99,
  R8UI: 0x8232,
  R8I: 0x8231,
  R16UI: 0x8234,
  R16I: 0x8233,
  R32UI: 0x8236,
  R32I: 0x8235,
  RG_INTEGER: 0x8228,
  RG32UI: 0x823c,
  R32F: 0x822e,
  RGB8UI: 0x8d7d,
  RGBA8UI: 0x8d7c,
  RGB32F: 0x8815,
  RGBA32F: 0x8814
} as const;

const INTEGER_FORMATS: Partial<Record<DType, [number, number, SamplerKind]>> = {
  bool: [GL.R8UI, GL.UNSIGNED_BYTE, 'uint'],
  uint8: [GL.R8UI, GL.UNSIGNED_BYTE, 'uint'],
  int8: [GL.R8I, GL.BYTE, 'int'],
  uint16: [GL.R16UI, GL.UNSIGNED_SHORT, 'uint'],
  int16: [GL.R16I, GL.SHORT, 'int'],
  uint32: [GL.R32UI, GL.UNSIGNED_INT, 'uint'],
  int32: [GL.R32I, GL.INT, 'int']
};

function toFloat32(data: TypedArray): Float32Array {
  if (data instanceof Float32Array) {
    return data;
  }
  const out = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    out[i] = Number(data[i]);
  }
  return out;
}

/** A texture format without its pixels; `convert` when pixels must become float32 first. */
export type TextureLayout = Omit<TextureFormat, 'pixels'> & { convert: boolean; bytesPerTexel: number };

/**
 * How pixels of `dtype` go to the GPU. Integer images keep their native integer textures
 * (exact values, no conversion pass, half the memory of float); float64 and 64-bit integers
 * have no WebGL2 texture format and are converted to float32 for display only: values shown
 * to the user are always read from the model's original array. `channels` is 3|4 for
 * RGB(A), which is uint8 or float.
 */
export function textureLayoutFor(dtype: DType, channels: number): TextureLayout {
  if (channels > 1) {
    if (dtype === 'uint8') {
      return {
        internalFormat: channels === 3 ? GL.RGB8UI : GL.RGBA8UI,
        format: channels === 3 ? GL.RGB_INTEGER : GL.RGBA_INTEGER,
        type: GL.UNSIGNED_BYTE,
        sampler: 'uint',
        channels,
        convert: false,
        bytesPerTexel: channels
      };
    }
    return {
      internalFormat: channels === 3 ? GL.RGB32F : GL.RGBA32F,
      format: channels === 3 ? GL.RGB : GL.RGBA,
      type: GL.FLOAT,
      sampler: 'float',
      channels,
      convert: dtype !== 'float32',
      bytesPerTexel: 4 * channels
    };
  }
  const integer = INTEGER_FORMATS[dtype];
  if (integer) {
    const [internalFormat, type, sampler] = integer;
    const bytes = type === GL.UNSIGNED_BYTE || type === GL.BYTE ? 1 : type === GL.SHORT || type === GL.UNSIGNED_SHORT ? 2 : 4;
    return { internalFormat, format: GL.RED_INTEGER, type, sampler, channels: 1, convert: false, bytesPerTexel: bytes };
  }
  return { internalFormat: GL.R32F, format: GL.RED, type: GL.FLOAT, sampler: 'float', channels: 1, convert: dtype !== 'float32', bytesPerTexel: 4 };
}

/** `textureLayoutFor` with the pixels of a 2D plane ((rows, cols) or (rows, cols, 3|4)). */
export function textureFormatFor(array: NDArray, rgb: boolean): TextureFormat {
  const { convert, bytesPerTexel, ...layout } = textureLayoutFor(array.dtype, rgb ? array.shape[2] : 1);
  void bytesPerTexel;
  return { ...layout, pixels: convert ? toFloat32(array.data) : array.data };
}

/** Splits rows × cols into tiles no larger than `tile` on a side (GPUs cap texture sizes). */
export function tileGrid(
  rows: number,
  cols: number,
  tile: number
): { row: number; col: number; rows: number; cols: number }[] {
  const tiles = [];
  for (let r = 0; r < rows; r += tile) {
    for (let c = 0; c < cols; c += tile) {
      tiles.push({ row: r, col: c, rows: Math.min(tile, rows - r), cols: Math.min(tile, cols - c) });
    }
  }
  return tiles;
}
