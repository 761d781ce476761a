import { fromArrayBuffer } from 'geotiff';
import { DType } from '../../core/dtypes';
import { NDArray, ndarrayFromBuffer } from '../../core/ndarray';

/** A decoded image file: the pixels plus anything the user should be told about them. */
export interface DecodedImage {
  array: NDArray;
  rgb: boolean;
  notices: string[];
}

export class ImageDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImageDecodeError';
  }
}

const TIFF_EXTENSIONS = ['.tif', '.tiff'];
const BITMAP_EXTENSIONS = ['.png', '.jpg', '.jpeg'];
export const SUPPORTED_IMAGE_EXTENSIONS = [...TIFF_EXTENSIONS, ...BITMAP_EXTENSIONS];

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

/** Decodes a .tif/.tiff/.png/.jpg file's bytes; throws ImageDecodeError with a reason. */
export async function decodeImageFile(bytes: ArrayBuffer, fileName: string): Promise<DecodedImage> {
  const ext = extensionOf(fileName);
  if (TIFF_EXTENSIONS.includes(ext)) {
    return decodeTiff(bytes);
  }
  if (BITMAP_EXTENSIONS.includes(ext)) {
    return decodeBitmap(bytes, ext === '.png' ? 'image/png' : 'image/jpeg');
  }
  throw new ImageDecodeError(
    `cannot open "${fileName}": expected one of ${SUPPORTED_IMAGE_EXTENSIONS.join(', ')}`
  );
}

// TIFF SampleFormat tag: 1 unsigned integer, 2 signed integer, 3 IEEE float.
function tiffDType(sampleFormat: number, bits: number): DType | null {
  const table: Record<string, DType> = {
    '1:8': 'uint8',
    '1:16': 'uint16',
    '1:32': 'uint32',
    '2:8': 'int8',
    '2:16': 'int16',
    '2:32': 'int32',
    '3:32': 'float32',
    '3:64': 'float64'
  };
  return table[`${sampleFormat}:${bits}`] ?? null;
}

async function decodeTiff(bytes: ArrayBuffer): Promise<DecodedImage> {
  let tiff;
  let image;
  try {
    tiff = await fromArrayBuffer(bytes);
    image = await tiff.getImage(0);
  } catch (err) {
    throw new ImageDecodeError(`not a readable TIFF file (${(err as Error).message ?? err})`);
  }
  const width = image.getWidth();
  const height = image.getHeight();
  const samples = image.getSamplesPerPixel();
  const bits = Number(image.getBitsPerSample(0));
  const format = Number(image.getSampleFormat(0) ?? 1);
  const dtype = tiffDType(format, bits);
  if (!dtype) {
    throw new ImageDecodeError(
      `unsupported TIFF sample type (SampleFormat ${format}, ${bits} bits): expected 8/16/32-bit integers or 32/64-bit floats`
    );
  }
  if (samples !== 1 && samples !== 3 && samples !== 4) {
    throw new ImageDecodeError(`unsupported TIFF with ${samples} samples per pixel: expected 1, 3 or 4`);
  }
  let raster;
  try {
    raster = await image.readRasters({ interleave: true });
  } catch (err) {
    throw new ImageDecodeError(`the TIFF's pixel data could not be decoded (${(err as Error).message ?? err})`);
  }
  const typed = raster as unknown as ArrayBufferView;
  const shape = samples === 1 ? [height, width] : [height, width, samples];
  const array = ndarrayFromBuffer(typed.buffer as ArrayBuffer, dtype, shape, typed.byteOffset, typed.byteLength);
  const notices: string[] = [];
  const pages = await tiff.getImageCount();
  if (pages > 1) {
    notices.push(`This TIFF has ${pages} planes; this version shows the first plane only.`);
  }
  return { array, rgb: samples !== 1, notices };
}

async function decodeBitmap(bytes: ArrayBuffer, type: string): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    // No colour management or premultiplication: we want the stored values, not display values.
    bitmap = await createImageBitmap(new Blob([bytes], { type }), {
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none'
    });
  } catch (err) {
    throw new ImageDecodeError(`not a readable ${type} file (${(err as Error).message ?? err})`);
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) {
    throw new ImageDecodeError('this browser cannot decode images (no 2D canvas context)');
  }
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  let gray = true;
  let opaque = true;
  for (let i = 0; i < rgba.length; i += 4) {
    if (rgba[i] !== rgba[i + 1] || rgba[i] !== rgba[i + 2]) gray = false;
    if (rgba[i + 3] !== 255) opaque = false;
  }
  const n = width * height;
  if (gray && opaque) {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = rgba[4 * i];
    return { array: { dtype: 'uint8', shape: [height, width], data: out }, rgb: false, notices: [] };
  }
  const channels = opaque ? 3 : 4;
  const out = new Uint8Array(n * channels);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < channels; c++) out[i * channels + c] = rgba[4 * i + c];
  }
  return {
    array: { dtype: 'uint8', shape: [height, width, channels], data: out },
    rgb: true,
    notices: []
  };
}
