import { SamplerKind } from './textureFormats';

export const IMAGE_VERTEX_SHADER = `#version 300 es
in vec2 a_unit;                 // corner of the unit square
uniform vec2 u_tileOrigin;      // (col, row) of the tile's top-left pixel, data coordinates
uniform vec2 u_tileSize;        // (cols, rows) of the tile
uniform vec2 u_center;          // (col, row) at the canvas centre
uniform float u_zoom;           // screen pixels per data pixel
uniform vec2 u_canvas;          // canvas size in screen pixels
out vec2 v_texel;               // position inside the tile in texels
void main() {
  vec2 data = u_tileOrigin + a_unit * u_tileSize;
  vec2 screen = (data - u_center) * u_zoom + 0.5 * u_canvas;
  vec2 clip = screen / u_canvas * 2.0 - 1.0;
  gl_Position = vec4(clip.x, -clip.y, 0.0, 1.0);
  v_texel = a_unit * u_tileSize;
}`;

const SAMPLER_TYPES: Record<SamplerKind, string> = {
  float: 'sampler2D',
  uint: 'usampler2D',
  int: 'isampler2D'
};

/**
 * Fragment shader for one sampler kind. Reads the exact texel (nearest neighbour via
 * texelFetch, which also works for integer textures that cannot be filtered), maps it through
 * the contrast limits, and makes NaN transparent while ±Inf saturate, so a float image with
 * non-finite pixels renders instead of turning black.
 */
export function imageFragmentShader(sampler: SamplerKind, channels: number): string {
  const samplerType = SAMPLER_TYPES[sampler];
  return `#version 300 es
precision highp float;
precision highp int;
precision highp ${samplerType};
uniform ${samplerType} u_texture;
uniform vec2 u_tileSize;
uniform vec2 u_contrast;        // (low, high)
uniform float u_opacity;
in vec2 v_texel;
out vec4 outColor;
float normalized(float v) {
  return clamp((v - u_contrast.x) / (u_contrast.y - u_contrast.x), 0.0, 1.0);
}
void main() {
  ivec2 texel = ivec2(clamp(floor(v_texel), vec2(0.0), u_tileSize - 1.0));
  vec4 raw = vec4(texelFetch(u_texture, texel, 0));
  ${
    channels === 1
      ? `float v = raw.r;
  if (isnan(v)) { outColor = vec4(0.0); return; }
  float g = isinf(v) ? (v > 0.0 ? 1.0 : 0.0) : normalized(v);
  outColor = vec4(g, g, g, u_opacity);`
      : `vec3 rgb = vec3(normalized(raw.r), normalized(raw.g), normalized(raw.b));
  float alpha = ${channels === 4 ? 'normalized(raw.a)' : '1.0'};
  outColor = vec4(rgb, alpha * u_opacity);`
  }
}`;
}
