import { DType, TypedArray } from '../../core/dtypes';
import { LABEL_COLOR_GLSL } from '../../core/labels/labelColors';
import { GL } from './textureFormats';

/** How one labels dtype becomes an integer texture; 64-bit ids travel as (lo, hi) pairs. */
export interface LabelsTextureFormat {
  internalFormat: number;
  format: number;
  type: number;
  signed: boolean;
  /** Texture components per pixel: 1, or 2 for 64-bit ids. */
  components: 1 | 2;
}


const FORMATS: Partial<Record<DType, LabelsTextureFormat>> = {
  uint8: { internalFormat: GL.R8UI, format: GL.RED_INTEGER, type: GL.UNSIGNED_BYTE, signed: false, components: 1 },
  int8: { internalFormat: GL.R8I, format: GL.RED_INTEGER, type: GL.BYTE, signed: true, components: 1 },
  uint16: { internalFormat: GL.R16UI, format: GL.RED_INTEGER, type: GL.UNSIGNED_SHORT, signed: false, components: 1 },
  int16: { internalFormat: GL.R16I, format: GL.RED_INTEGER, type: GL.SHORT, signed: true, components: 1 },
  uint32: { internalFormat: GL.R32UI, format: GL.RED_INTEGER, type: GL.UNSIGNED_INT, signed: false, components: 1 },
  int32: { internalFormat: GL.R32I, format: GL.RED_INTEGER, type: GL.INT, signed: true, components: 1 },
  // Both 64-bit types upload their raw two's-complement bits: the colour hash works on bits.
  uint64: { internalFormat: GL.RG32UI, format: GL.RG_INTEGER, type: GL.UNSIGNED_INT, signed: false, components: 2 },
  int64: { internalFormat: GL.RG32UI, format: GL.RG_INTEGER, type: GL.UNSIGNED_INT, signed: false, components: 2 }
};

export function labelsTextureFormat(dtype: DType): LabelsTextureFormat {
  const format = FORMATS[dtype];
  if (!format) {
    throw new RangeError(`labels must have an integer dtype, got ${dtype}`);
  }
  return format;
}

/** The pixels as the texture wants them: 64-bit ids reinterpreted as pairs of uint32. */
export function labelsUploadView(data: TypedArray): ArrayBufferView {
  if (data instanceof BigUint64Array || data instanceof BigInt64Array) {
    return new Uint32Array(data.buffer, data.byteOffset, data.length * 2);
  }
  return data;
}

/**
 * Colours each label id with the same hash as `labelColor` in TypeScript, so ids above 2^24
 * (where float textures would merge neighbours) and up to 2^64 - 1 keep distinct colours.
 * Contours (napari's `contour`) are found here by comparing neighbours within the thickness,
 * so switching display mode costs no CPU pass over the data.
 */
export function labelsFragmentShader(format: LabelsTextureFormat): string {
  const sampler = format.signed ? 'isampler2D' : 'usampler2D';
  const idOf = format.components === 2
    ? 'uvec2 idAt(ivec2 p) { return texelFetch(u_texture, clamp(p, ivec2(0), ivec2(u_tileTexels) - 1), 0).rg; }'
    : format.signed
      ? `uvec2 idAt(ivec2 p) {
  int v = texelFetch(u_texture, clamp(p, ivec2(0), ivec2(u_tileTexels) - 1), 0).r;
  return uvec2(uint(v), v < 0 ? 0xffffffffu : 0u);  // 64-bit two's complement, as labelHalves
}`
      : 'uvec2 idAt(ivec2 p) { return uvec2(texelFetch(u_texture, clamp(p, ivec2(0), ivec2(u_tileTexels) - 1), 0).r, 0u); }';
  return `#version 300 es
precision highp float;
precision highp int;
precision highp ${sampler};
uniform ${sampler} u_texture;
uniform vec2 u_tileTexels;
uniform float u_opacity;
uniform uint u_seed;
uniform int u_contour;          // 0: filled; t > 0: only pixels within t of another id
uniform bool u_showSelected;    // napari's show_selected_label
uniform uvec2 u_selected;       // selected id as (lo, hi)
uniform int u_nOverrides;       // labels with their own colour (LabelsLayer.labelClasses)
uniform uint u_overrideIds[16];
uniform vec4 u_overrideColors[16];
in vec2 v_texel;
out vec4 outColor;
${LABEL_COLOR_GLSL}
${idOf}
void main() {
  ivec2 p = ivec2(floor(v_texel));
  uvec2 id = idAt(p);
  if (id == uvec2(0u)) discard;
  if (u_showSelected && id != u_selected) discard;
  if (u_contour > 0) {
    bool edge = false;
    for (int k = 1; k <= 16; k++) {
      if (k > u_contour) break;
      if (idAt(p + ivec2(k, 0)) != id || idAt(p - ivec2(k, 0)) != id ||
          idAt(p + ivec2(0, k)) != id || idAt(p - ivec2(0, k)) != id) { edge = true; break; }
    }
    if (!edge) discard;
  }
  vec4 color = seglabLabelColor(id, u_seed);
  for (int k = 0; k < 16; k++) {
    if (k >= u_nOverrides) break;
    if (id == uvec2(u_overrideIds[k], 0u)) { color = u_overrideColors[k]; break; }
  }
  outColor = vec4(color.rgb, color.a * u_opacity);
}`;
}
