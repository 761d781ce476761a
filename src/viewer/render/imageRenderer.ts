import { ColormapName, colormapLUT, LUT_SIZE } from '../../core/colormaps';
import { CanvasSize } from '../model/camera';
import { labelHalves } from '../../core/labels/labelColors';
import { ImageLayer } from '../model/imageLayer';
import { LabelsLayer } from '../model/labelsLayer';
import { Blending } from '../model/layerBase';
import { PlaneView } from '../model/orthoViews';
import { ViewerModel } from '../model/viewerModel';
import { labelsFragmentShader, LabelsTextureFormat } from './labelsShader';
import { ImageTiles, TileCacheStats, UPLOAD_BUDGET_MS } from './imageTiles';
import { LabelsTextureCache } from './labelsTextures';
import { IMAGE_VERTEX_SHADER, imageFragmentShader } from './shaders';
import { SamplerKind, textureLayoutFor } from './textureFormats';
import { TileQuad } from './tileGeometry';

interface Program {
  program: WebGLProgram;
  uniforms: Record<string, WebGLUniformLocation | null>;
}

const UNIFORMS = [
  'u_tileOrigin',
  'u_tileSize',
  'u_tileTexels',
  'u_texelOrigin',
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
  'u_selected',
  'u_nOverrides',
  'u_overrideIds',
  'u_overrideColors'
];

export class RendererError extends Error {}

export interface RenderOptions {
  /** Main-thread ms a frame may spend uploading image tiles; Infinity for a complete frame (screenshots). */
  uploadBudgetMs?: number;
  /** Which plane and camera to draw (an orthogonal view); the model's own by default. */
  view?: PlaneView;
}

/**
 * Draws a ViewerModel's image and labels layers with WebGL2, each placed by its scale and
 * translate. Images are drawn as tiles of a pyramid from a bounded LRU cache (ImageTiles):
 * frame work and GPU memory follow the viewport, not the image. Labels keep their whole
 * plane on the GPU (tiles of at most `maxTile` texels a side) because painting updates it in
 * place; a frame only sets uniforms and draws the tiles in view.
 */
export class ImageRenderer {
  private readonly gl: WebGL2RenderingContext;
  private readonly programs = new Map<string, Program>();
  private readonly images: ImageTiles;
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
    this.images = new ImageTiles(gl);
  }

  /** GPU memory held by image tiles now, and its bound. */
  get tileCacheStats(): TileCacheStats {
    return this.images.stats;
  }

  setTileCacheBudget(bytes: number): void {
    this.images.setBudget(bytes);
  }

  /**
   * Draws one frame. Returns true when some image tile could not be uploaded within the
   * frame's budget (a coarser level stands in): the caller should draw another frame soon.
   */
  render(model: ViewerModel, size: CanvasSize, devicePixelRatio: number, options: RenderOptions = {}): boolean {
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
    this.images.beginFrame();
    const frameStart = performance.now();
    const budget = options.uploadBudgetMs ?? UPLOAD_BUDGET_MS;
    let uploads = 0;
    let pending = false;
    const plane = options.view ?? model;
    const { center, zoom } = plane.camera;
    // The world rectangle on screen, for skipping tiles outside it (scales are positive).
    const halfW = size.width / 2 / zoom;
    const halfH = size.height / 2 / zoom;
    const view = { left: center.col - halfW, right: center.col + halfW, top: center.row - halfH, bottom: center.row + halfH };
    for (const layer of model.layers) {
      if (!layer.visible || !(layer instanceof ImageLayer || layer instanceof LabelsLayer)) {
        continue; // points and shapes are drawn by the vector overlay
      }
      const slice = model.sliceOf(layer, plane.dims);
      if (!slice) {
        continue; // the current slice lies outside this layer
      }
      const labels = layer instanceof LabelsLayer ? this.labels.texturesFor(layer, slice) : null;
      const program = layer instanceof LabelsLayer ? this.useLabels(layer, labels!.format) : this.useImage(layer);
      this.setBlending(layer.blending);
      const u = program.uniforms;
      // Uniforms in device pixels so the image is sharp on HiDPI screens.
      gl.uniform2f(u.u_center, center.col, center.row);
      gl.uniform1f(u.u_zoom, zoom * devicePixelRatio);
      gl.uniform2f(u.u_canvas, width, height);
      gl.uniform1f(u.u_opacity, layer.opacity);
      gl.uniform1i(u.u_texture, 0);
      gl.bindVertexArray(this.quad);
      gl.activeTexture(gl.TEXTURE0);
      const [rowAxis, colAxis] = slice.displayed;
      const scale = layer.scale;
      const translate = layer.translate;
      // A quad covers data pixels rect × scale + translate (pixel k on [k, k + 1)).
      const drawQuad = (quad: TileQuad) => {
        const { rect } = quad;
        gl.uniform2f(u.u_tileOrigin, translate[colAxis] + rect.left * scale[colAxis], translate[rowAxis] + rect.top * scale[rowAxis]);
        gl.uniform2f(u.u_tileSize, (rect.right - rect.left) * scale[colAxis], (rect.bottom - rect.top) * scale[rowAxis]);
        gl.uniform2f(u.u_texelOrigin, quad.texelOrigin[0], quad.texelOrigin[1]);
        gl.uniform2f(u.u_tileTexels, quad.texelExtent[0], quad.texelExtent[1]);
        gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
      };
      const dataRect = {
        top: (view.top - translate[rowAxis]) / scale[rowAxis],
        bottom: (view.bottom - translate[rowAxis]) / scale[rowAxis],
        left: (view.left - translate[colAxis]) / scale[colAxis],
        right: (view.right - translate[colAxis]) / scale[colAxis]
      };
      if (layer instanceof ImageLayer) {
        const screenPerPixel: [number, number] = [zoom * devicePixelRatio * scale[rowAxis], zoom * devicePixelRatio * scale[colAxis]];
        pending =
          this.images.draw(layer, slice, { rect: dataRect, screenPerPixel }, {
            drawQuad,
            mayUpload: () => uploads === 0 || performance.now() - frameStart < budget,
            uploaded: () => uploads++
          }) || pending;
        continue;
      }
      for (const tile of labels!.tiles) {
        const rect = { top: tile.row, left: tile.col, bottom: tile.row + tile.rows, right: tile.col + tile.cols };
        // Tiles outside the view cost no draw call: frame work follows the viewport.
        if (rect.left > dataRect.right || rect.right < dataRect.left || rect.top > dataRect.bottom || rect.bottom < dataRect.top) continue;
        gl.bindTexture(gl.TEXTURE_2D, tile.texture);
        drawQuad({ rect, texelOrigin: [0, 0], texelExtent: [tile.cols, tile.rows] });
      }
    }
    gl.bindVertexArray(null);
    return pending;
  }

  /** Binds the image program and its per-layer uniforms. */
  private useImage(layer: ImageLayer): Program {
    const gl = this.gl;
    const layout = textureLayoutFor(layer.dtype, layer.channels);
    const program = this.programFor(layout.sampler, layout.channels);
    gl.useProgram(program.program);
    const u = program.uniforms;
    const [lo, hi] = layer.contrastLimits;
    gl.uniform2f(u.u_contrast, lo, hi);
    gl.uniform1f(u.u_gamma, layer.gamma);
    gl.uniform1i(u.u_linear, layer.interpolation === 'linear' ? 1 : 0);
    gl.uniform1i(u.u_lut, 1);
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.lutFor(layer.colormap));
    return program;
  }

  /** Binds the labels program (integer texture, colour hash in the shader) and its uniforms. */
  private useLabels(layer: LabelsLayer, format: LabelsTextureFormat): Program {
    const gl = this.gl;
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
    const overrides = [...layer.colorOverrides];
    gl.uniform1i(u.u_nOverrides, overrides.length);
    if (overrides.length) {
      gl.uniform1uiv(u.u_overrideIds, Uint32Array.from(overrides, ([id]) => id));
      gl.uniform4fv(u.u_overrideColors, Float32Array.from(overrides.flatMap(([, c]) => c.map(v => v / 255))));
    }
    return program;
  }

  dispose(): void {
    this.labels.dispose();
    this.images.dispose();
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
    this.images.retain(alive);
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
