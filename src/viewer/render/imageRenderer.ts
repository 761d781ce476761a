import { ColormapName, colormapLUT, LUT_SIZE } from '../../core/colormaps';
import { NDArray } from '../../core/ndarray';
import { CanvasSize } from '../model/camera';
import { labelHalves } from '../../core/labels/labelColors';
import { ImageLayer } from '../model/imageLayer';
import { LabelsLayer } from '../model/labelsLayer';
import { Blending } from '../model/layerBase';
import { LayerSlice, ViewerModel } from '../model/viewerModel';
import { labelsFragmentShader } from './labelsShader';
import { createNearestTexture } from './glTextures';
import { LabelsTextureCache } from './labelsTextures';
import { IMAGE_VERTEX_SHADER, imageFragmentShader } from './shaders';
import { SamplerKind, textureFormatFor, tileGrid } from './textureFormats';

interface Tile {
  row: number;
  col: number;
  rows: number;
  cols: number;
  texture: WebGLTexture;
}

interface LayerTextures {
  data: NDArray;
  rgb: boolean;
  /** Which plane of `data` the tiles hold: the slice's step and displayed axes. */
  sliceKey: string;
  sampler: SamplerKind;
  channels: number;
  tiles: Tile[];
}

interface Program {
  program: WebGLProgram;
  uniforms: Record<string, WebGLUniformLocation | null>;
}

const UNIFORMS = [
  'u_tileOrigin',
  'u_tileSize',
  'u_tileTexels',
  'u_center',
  'u_zoom',
  'u_canvas',
  'u_texture',
  'u_lut',
  'u_contrast',
  'u_gamma',
  'u_opacity',
  'u_linear',
  'u_seed',
  'u_contour',
  'u_showSelected',
  'u_selected'
];

export class RendererError extends Error {}

/**
 * Draws a ViewerModel's image layers with WebGL2. The plane of each layer that the dims
 * select lives in GPU textures of at most `maxTile` texels a side (so images larger than the
 * GPU's texture limit still show), uploaded once per data or slice change; a frame only sets
 * uniforms and draws one quad per tile, placed by the layer's scale and translate.
 */
export class ImageRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly programs = new Map<string, Program>();
  private readonly textures = new Map<string, LayerTextures>();
  private readonly luts = new Map<ColormapName, WebGLTexture>();
  private readonly quad: WebGLVertexArrayObject;
  private readonly maxTile: number;
  private readonly labels: LabelsTextureCache;

  constructor(readonly canvas: HTMLCanvasElement) {
    const gl = canvas.getContext('webgl2', { antialias: false, premultipliedAlpha: false, preserveDrawingBuffer: true });
    if (!gl) {
      throw new RendererError('this browser offers no WebGL2 context, which the SegLab viewer needs');
    }
    this.gl = gl;
    this.maxTile = Math.min(4096, gl.getParameter(gl.MAX_TEXTURE_SIZE) as number);
    this.quad = this.createQuad();
    this.labels = new LabelsTextureCache(gl, this.maxTile);
  }

  render(model: ViewerModel, size: CanvasSize, devicePixelRatio: number): void {
    const gl = this.gl;
    const width = Math.max(1, Math.round(size.width * devicePixelRatio));
    const height = Math.max(1, Math.round(size.height * devicePixelRatio));
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
    gl.viewport(0, 0, width, height);
    gl.clearColor(0, 0, 0, 1);
    gl.clear(gl.COLOR_BUFFER_BIT);
    gl.enable(gl.BLEND);
    this.dropTexturesOfRemovedLayers(model);
    const { center, zoom } = model.camera;
    // The world rectangle on screen, for skipping tiles outside it (scales are positive).
    const halfW = size.width / 2 / zoom;
    const halfH = size.height / 2 / zoom;
    const view = { left: center.col - halfW, right: center.col + halfW, top: center.row - halfH, bottom: center.row + halfH };
    for (const layer of model.layers) {
      if (!layer.visible || !(layer instanceof ImageLayer || layer instanceof LabelsLayer)) {
        continue; // points and shapes are drawn by the vector overlay
      }
      const slice = model.sliceOf(layer);
      if (!slice) {
        continue; // the current slice lies outside this layer
      }
      const tiles = layer instanceof ImageLayer ? this.useImage(layer, slice) : this.useLabels(layer, slice);
      this.setBlending(layer.blending);
      const u = tiles.program.uniforms;
      // Uniforms in device pixels so the image is sharp on HiDPI screens.
      gl.uniform2f(u.u_center, center.col, center.row);
      gl.uniform1f(u.u_zoom, zoom * devicePixelRatio);
      gl.uniform2f(u.u_canvas, width, height);
      gl.uniform1f(u.u_opacity, layer.opacity);
      gl.uniform1i(u.u_texture, 0);
      gl.bindVertexArray(this.quad);
      gl.activeTexture(gl.TEXTURE0);
      // World placement of the displayed axes: texel (r, c) covers translate + [r, r+1) × scale.
      const [rowAxis, colAxis] = slice.displayed;
      const scale = layer.scale;
      const translate = layer.translate;
      for (const tile of tiles.tiles) {
        const left = translate[colAxis] + tile.col * scale[colAxis];
        const top = translate[rowAxis] + tile.row * scale[rowAxis];
        const width = tile.cols * scale[colAxis];
        const height = tile.rows * scale[rowAxis];
        // Tiles outside the view cost no draw call: frame work follows the viewport.
        if (left > view.right || left + width < view.left || top > view.bottom || top + height < view.top) continue;
        gl.bindTexture(gl.TEXTURE_2D, tile.texture);
        gl.uniform2f(u.u_tileOrigin, left, top);
        gl.uniform2f(u.u_tileSize, width, height);
        gl.uniform2f(u.u_tileTexels, tile.cols, tile.rows);
        gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      }
    }
    gl.bindVertexArray(null);
  }

  /** Binds the image program and its per-layer uniforms; returns the tiles to draw. */
  private useImage(layer: ImageLayer, slice: LayerSlice): { program: Program; tiles: Tile[] } {
    const gl = this.gl;
    const textures = this.texturesFor(layer, slice);
    const program = this.programFor(textures.sampler, textures.channels);
    gl.useProgram(program.program);
    const u = program.uniforms;
    const [lo, hi] = layer.contrastLimits;
    gl.uniform2f(u.u_contrast, lo, hi);
    gl.uniform1f(u.u_gamma, layer.gamma);
    gl.uniform1i(u.u_linear, layer.interpolation === 'linear' ? 1 : 0);
    gl.uniform1i(u.u_lut, 1);
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.lutFor(layer.colormap));
    return { program, tiles: textures.tiles };
  }

  /** Binds the labels program (integer texture, colour hash in the shader) and its uniforms. */
  private useLabels(layer: LabelsLayer, slice: LayerSlice): { program: Program; tiles: Tile[] } {
    const gl = this.gl;
    const { format, tiles } = this.labels.texturesFor(layer, slice);
    const key = `labels:${format.internalFormat}:${format.signed}`;
    let program = this.programs.get(key);
    if (!program) {
      program = this.compile(IMAGE_VERTEX_SHADER, labelsFragmentShader(format));
      this.programs.set(key, program);
    }
    gl.useProgram(program.program);
    const u = program.uniforms;
    const [lo, hi] = labelHalves(layer.selectedLabel);
    gl.uniform1ui(u.u_seed, layer.colorSeed >>> 0);
    gl.uniform1i(u.u_contour, layer.contour);
    gl.uniform1i(u.u_showSelected, layer.showSelectedLabel ? 1 : 0);
    gl.uniform2ui(u.u_selected, lo, hi);
    return { program, tiles };
  }

  dispose(): void {
    this.labels.dispose();
    for (const id of [...this.textures.keys()]) {
      this.deleteTextures(id);
    }
    for (const p of this.programs.values()) {
      this.gl.deleteProgram(p.program);
    }
    this.programs.clear();
    for (const lut of this.luts.values()) {
      this.gl.deleteTexture(lut);
    }
    this.luts.clear();
    this.gl.deleteVertexArray(this.quad);
  }

  private texturesFor(layer: ImageLayer, slice: LayerSlice): LayerTextures {
    const sliceKey = `${slice.step.join(',')}|${slice.displayed.join(',')}`;
    const cached = this.textures.get(layer.id);
    if (cached && cached.data === layer.data && cached.rgb === layer.rgb && cached.sliceKey === sliceKey) {
      return cached;
    }
    this.deleteTextures(layer.id);
    const gl = this.gl;
    // A view into the layer's buffer for the usual (…, rows, cols) layout; a copy if transposed.
    const plane = layer.slicePlane(slice.step, slice.displayed);
    const fmt = textureFormatFor(plane, layer.rgb);
    const [rows, cols] = plane.shape;
    const tiles: Tile[] = [];
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
    // Row length/skip let each tile upload straight out of the full row-major array, no copies.
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, cols);
    for (const t of tileGrid(rows, cols, this.maxTile)) {
      const texture = createNearestTexture(gl);
      gl.pixelStorei(gl.UNPACK_SKIP_ROWS, t.row);
      gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, t.col);
      gl.texImage2D(gl.TEXTURE_2D, 0, fmt.internalFormat, t.cols, t.rows, 0, fmt.format, fmt.type, fmt.pixels as ArrayBufferView);
      tiles.push({ ...t, texture });
    }
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 0);
    const entry = { data: layer.data, rgb: layer.rgb, sliceKey, sampler: fmt.sampler, channels: fmt.channels, tiles };
    this.textures.set(layer.id, entry);
    return entry;
  }

  /** napari's blending modes on straight (not premultiplied) alpha. */
  private setBlending(blending: Blending): void {
    const gl = this.gl;
    if (blending === 'additive') {
      gl.blendFunc(gl.SRC_ALPHA, gl.ONE);
    } else if (blending === 'opaque') {
      gl.blendFunc(gl.ONE, gl.ZERO);
    } else {
      gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
    }
  }

  /** One 256 × 1 RGBA texture per colormap, made on first use and kept (they are 1 KiB). */
  private lutFor(name: ColormapName): WebGLTexture {
    let texture = this.luts.get(name);
    if (!texture) {
      const gl = this.gl;
      texture = gl.createTexture()!;
      gl.bindTexture(gl.TEXTURE_2D, texture);
      // NEAREST and no mipmaps: texelFetch needs a complete texture, and entries must not mix.
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
      gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, LUT_SIZE, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, colormapLUT(name));
      this.luts.set(name, texture);
    }
    return texture;
  }

  private dropTexturesOfRemovedLayers(model: ViewerModel): void {
    const alive = new Set(model.layers.map(l => l.id));
    this.labels.retain(alive);
    for (const id of [...this.textures.keys()]) {
      if (!alive.has(id)) {
        this.deleteTextures(id);
      }
    }
  }

  private deleteTextures(id: string): void {
    const entry = this.textures.get(id);
    if (entry) {
      for (const tile of entry.tiles) {
        this.gl.deleteTexture(tile.texture);
      }
      this.textures.delete(id);
    }
  }

  private programFor(sampler: SamplerKind, channels: number): Program {
    const key = `${sampler}:${channels}`;
    let program = this.programs.get(key);
    if (!program) {
      program = this.compile(IMAGE_VERTEX_SHADER, imageFragmentShader(sampler, channels));
      this.programs.set(key, program);
    }
    return program;
  }

  private compile(vertexSource: string, fragmentSource: string): Program {
    const gl = this.gl;
    const shader = (type: number, source: string) => {
      const s = gl.createShader(type)!;
      gl.shaderSource(s, source);
      gl.compileShader(s);
      if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) {
        throw new RendererError(`shader compilation failed: ${gl.getShaderInfoLog(s)}`);
      }
      return s;
    };
    const program = gl.createProgram()!;
    gl.attachShader(program, shader(gl.VERTEX_SHADER, vertexSource));
    gl.attachShader(program, shader(gl.FRAGMENT_SHADER, fragmentSource));
    gl.bindAttribLocation(program, 0, 'a_unit');
    gl.linkProgram(program);
    if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
      throw new RendererError(`shader link failed: ${gl.getProgramInfoLog(program)}`);
    }
    const uniforms: Program['uniforms'] = {};
    for (const name of UNIFORMS) {
      uniforms[name] = gl.getUniformLocation(program, name);
    }
    return { program, uniforms };
  }

  private createQuad(): WebGLVertexArrayObject {
    const gl = this.gl;
    const vao = gl.createVertexArray()!;
    gl.bindVertexArray(vao);
    const buffer = gl.createBuffer();
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
    return vao;
  }
}
