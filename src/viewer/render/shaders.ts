import { SamplerKind } from './textureFormats';

export const IMAGE_VERTEX_SHADER = `#version 300 es
in vec2 a_unit;                 // corner of the unit square
uniform vec2 u_tileOrigin;      // (col, row) of the tile's top-left corner, world coordinates
uniform vec2 u_tileSize;        // (cols, rows) of the tile in world units (texels × layer scale)
uniform vec2 u_tileTexels;      // (cols, rows) of texels the quad spans (fractional for part of a tile)
uniform vec2 u_texelOrigin;     // texel at the quad's top-left corner (a tile's halo, or part of a coarser tile)
uniform vec2 u_center;          // (col, row) at the canvas centre
uniform float u_zoom;           // screen pixels per world unit
uniform vec2 u_canvas;          // canvas size in screen pixels
out vec2 v_texel;               // position inside the texture in texels
void main() {
  vec2 world = u_tileOrigin + a_unit * u_tileSize;
  vec2 screen = (world - u_center) * u_zoom + 0.5 * u_canvas;
  vec2 clip = screen / u_canvas * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
  v_texel = u_texelOrigin + a_unit * u_tileTexels;
}`;

const SAMPLER_TYPES: Record<SamplerKind, string> = {
  float: 'sampler2D',
  uint: 'usampler2D',
  int: 'isampler2D'
};

/**
 * Fragment shader for one sampler kind. Reads texels with texelFetch, which also works for
 * integer textures that cannot be filtered (nearest, or bilinear on the values), maps them through
 * the contrast limits and gamma, then grayscale through the colormap's 256-entry LUT (RGB(A)
 * keeps its own colours), and makes NaN transparent while ±Inf saturate, so a float image
 * with non-finite pixels renders instead of turning black.
 */
export function imageFragmentShader(sampler: SamplerKind, channels: number): string {
  const samplerType = SAMPLER_TYPES[sampler];
  return `#version 300 es
precision highp float;
precision highp int;
precision highp ${samplerType};
uniform ${samplerType} u_texture;
uniform highp sampler2D u_lut;  // colormap: 256 × 1 RGBA
uniform vec2 u_contrast;        // (low, high)
uniform float u_gamma;
uniform float u_opacity;
uniform bool u_linear;          // napari's interpolation: 'linear' (true) or 'nearest'
in vec2 v_texel;
out vec4 outColor;
float normalized(float v) {
  return clamp((v - u_contrast.x) / (u_contrast.y - u_contrast.x), 0.0, 1.0);
}
vec4 fetch(ivec2 p) {
  // Clamped to the texture: tiles carry a one-texel halo from their neighbours, so this only
  // repeats the edge at the image's own border.
  return vec4(texelFetch(u_texture, clamp(p, ivec2(0), textureSize(u_texture, 0) - 1), 0));
}
// Bilinear on the data values, done by hand: integer textures cannot be filtered by the GPU.
vec4 sampleData() {
  if (!u_linear) return fetch(ivec2(floor(v_texel)));
  vec2 p = v_texel - 0.5;
  ivec2 i = ivec2(floor(p));
  vec2 f = p - floor(p);
  vec4 top = mix(fetch(i), fetch(i + ivec2(1, 0)), f.x);
  vec4 bottom = mix(fetch(i + ivec2(0, 1)), fetch(i + ivec2(1, 1)), f.x);
  return mix(top, bottom, f.y);
}
void main() {
  vec4 raw = sampleData();
  ${
    channels === 1
      ? `float v = raw.r;
  if (isnan(v)) { outColor = vec4(0.0); return; }
  float g = pow(isinf(v) ? (v > 0.0 ? 1.0 : 0.0) : normalized(v), u_gamma);
  vec4 color = texelFetch(u_lut, ivec2(int(g * 255.0 + 0.5), 0), 0);
  outColor = vec4(color.rgb, color.a * u_opacity);`
      : `vec3 rgb = pow(vec3(normalized(raw.r), normalized(raw.g), normalized(raw.b)), vec3(u_gamma));
  float alpha = ${channels === 4 ? 'normalized(raw.a)' : '1.0'};
  outColor = vec4(rgb, alpha * u_opacity);`
  }
}`;
}
