/**
 * The segment tool for every SegLab viewer of this JupyterLab page: one annotator per viewer
 * model (shared by its views: an output and a panel segment the same object), one model
 * runtime (a Web Worker) per model id shared by all viewers, and `viewer.segment(...)` from
 * the kernel. Models come from the registry (settings, the kernel); when none is configured,
 * the project's own small nucleus model that ships in the extension's static folder (it is
 * not SAM; see python-kernel-bridge/seglab/models/prompter/README.md).
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import type { ModelService } from '../compute/models/modelService';
import { ModelEntry } from '../compute/models/types';
import { EmbeddingCache } from '../compute/embeddings/embeddingCache';
import { IndexedDBEmbeddingStorage, PersistentTier } from '../compute/embeddings/persistentStore';
import { createSamRuntime, formatBackendInfo, SamRuntime } from '../compute/sam/runtime';
import { SegmentAnnotator } from '../apps/segment/annotator';
import { SegmentTool } from '../apps/segment/segmentTool';
import { importEmbeddings } from '../apps/segment/annotatorEmbeddings';
import { propagateObject } from '../apps/segment/propagateObject';
import type { ModelFeatureSource } from '../apps/pixel/pixelSession';
import type { ViewerModel } from '../viewer/model/viewerModel';
import type { ViewerWidget } from '../viewer/ui/viewerWidget';
import type { SegmentAnswer } from './widget/segmentRequests';
import type { EmbeddingsData, SegmentRequest } from './protocolSegment';
import { ImageLayer } from '../viewer/model/imageLayer';

/** The model used when the settings name none: shipped in static/models/prompter/. */
export const BUNDLED_MODEL_ID = 'seglab-nucleus-prompter';

function bundledEntry(): ModelEntry {
  const base = URLExt.join(PageConfig.getOption('fullLabextensionsUrl') || URLExt.join(PageConfig.getBaseUrl(), 'lab/extensions'), 'seglab/static/models/prompter');
  const url = (file: string) => new URL(URLExt.join(base, file), window.location.href).href;
  return {
    id: BUNDLED_MODEL_ID,
    family: 'seglab_prompter',
    encoder: { kind: 'url', url: url('encoder.onnx') },
    decoder: { kind: 'url', url: url('decoder.onnx') },
    inputSize: 1024,
    pixelMean: [123.675, 116.28, 103.53],
    pixelStd: [58.395, 57.12, 57.375],
    name: 'SegLab nucleus prompter (small, trained by SegLab on nuclei; not SAM)',
    origin: 'added'
  };
}

export class SegmentService {
  private readonly annotators = new WeakMap<ViewerModel, SegmentAnnotator>();
  private readonly modelOf = new WeakMap<ViewerModel, string>();
  private readonly runtimes = new Map<string, Promise<SamRuntime>>();
  private readonly described = new Map<string, string>();

  constructor(
    private readonly models: ModelService,
    /** Embeddings of every viewer of the page, by model and image content (IndexedDB behind it when the browser has it). */
    private readonly embeddings: EmbeddingCache = new EmbeddingCache()
  ) {
    if (!models.registry.get(BUNDLED_MODEL_ID)) models.registry.add(bundledEntry());
  }

  /** The model part of embedding keys: id and encoder hash (a kernel may resend an id with new weights). */
  private modelKey(viewer: ViewerModel): string {
    const id = this.modelIdFor(viewer);
    const encoder = this.models.registry.get(id)?.encoder;
    return encoder?.sha256 ? `${id}@${encoder.sha256.slice(0, 16)}` : id;
  }

  /** The model id a viewer uses: its own (set from the kernel), the default, or the bundled one. */
  modelIdFor(viewer: ViewerModel): string {
    return this.modelOf.get(viewer) ?? this.models.registry.defaultModel?.id ?? BUNDLED_MODEL_ID;
  }

  setModel(viewer: ViewerModel, id: string): void {
    if (!this.models.registry.get(id)) throw new Error(`no model ${JSON.stringify(id)} in the registry`);
    this.modelOf.set(viewer, id);
    this.annotators.get(viewer)?.forgetEmbeddings(); // embeddings belong to the model that made them
  }

  /**
   * `viewer.set_model(folder)`: the model files the kernel sent go into the model cache and
   * registry, and `viewer` uses them. A model of the same id loaded before is replaced.
   */
  async useKernelModel(viewer: ViewerModel, manifest: Record<string, unknown>, files: { encoder: Uint8Array; decoder: Uint8Array }): Promise<string> {
    const entry = await this.models.registerKernelModel(manifest, files);
    const old = this.runtimes.get(entry.id);
    this.runtimes.delete(entry.id);
    void old?.then(rt => rt.dispose()).catch(() => undefined);
    this.setModel(viewer, entry.id);
    return entry.id;
  }

  /** The runtime of model `id`, loading its files (with progress) and starting its worker once. */
  runtime(id: string, progress?: (label: string | null, fraction: number) => void): Promise<SamRuntime> {
    let runtime = this.runtimes.get(id);
    if (!runtime) {
      runtime = (async () => {
        const files = await this.models.load(id, {
          onProgress: (loaded, total) => progress?.(`loading model ${id}`, total ? loaded / total : 0)
        });
        progress?.(null, 1);
        const rt = await createSamRuntime({ encoder: files.encoder, decoder: files.decoder });
        const describe = () => this.described.set(id, `${id} · ${formatBackendInfo(rt.info)}`);
        describe();
        rt.infoChanged.connect(describe);
        return rt;
      })();
      runtime.catch(() => this.runtimes.delete(id)); // a failed load may be retried
      this.runtimes.set(id, runtime);
    }
    return runtime;
  }

  annotatorFor(viewer: ViewerModel): SegmentAnnotator {
    let annotator = this.annotators.get(viewer);
    if (!annotator) {
      annotator = new SegmentAnnotator(viewer, () => this.runtime(this.modelIdFor(viewer), annotator?.events.progress), {}, {
        modelId: () => this.modelKey(viewer),
        cache: this.embeddings
      });
      this.annotators.set(viewer, annotator);
    }
    return annotator;
  }

  /**
   * The viewer's model as the pixel classifier's "model embedding" features: the same model
   * and the same embedding cache as the segment tool, so a plane is encoded once for both.
   */
  featureSource(viewer: ViewerModel): ModelFeatureSource {
    return {
      model: () => {
        const id = this.modelIdFor(viewer);
        return { id, sha256: this.models.registry.get(id)?.encoder.sha256 ?? null };
      },
      embedding: (image, plane, signal) => this.annotatorFor(viewer).embeddingOf(image, plane, signal)
    };
  }

  /** Adds the segment tool to a view. */
  attach(widget: ViewerWidget): SegmentTool {
    const viewer = widget.model;
    return new SegmentTool(widget, this.annotatorFor(viewer), {
      describe: () => this.described.get(this.modelIdFor(viewer)) ?? `${this.modelIdFor(viewer)} (loads on first use)`,
      propagate: async annotator => void (await propagateObject(annotator))
    });
  }

  /** `viewer.set_embeddings(...)`: refused whole when they come from another model than the viewer's. */
  async importEmbeddings(viewer: ViewerModel, data: EmbeddingsData, features: Float32Array): Promise<{ accepted: number; rejected: number }> {
    const image = viewer.getLayer(data.layer_id);
    if (!(image instanceof ImageLayer)) throw new Error(`set_embeddings: layer ${JSON.stringify(data.layer_id)} is not an image layer of this viewer`);
    const id = this.modelIdFor(viewer);
    const sha = this.models.registry.get(id)?.encoder.sha256;
    if (sha ? sha !== data.model_sha256 : data.model_id !== id) {
      throw new Error(`the embeddings were computed with model ${data.model_id} (encoder sha256 ${data.model_sha256.slice(0, 12)}…); this viewer segments with ${id}: viewer.set_model(...) that model first`);
    }
    const entries = data.entries.map(e => ({ z: e.z, imageHash: e.image_hash, tileBox: e.tile_box, inputSize: e.input_size, originalSize: e.original_size }));
    return importEmbeddings(this.annotatorFor(viewer), image, entries, features);
  }

  /** `viewer.segment(...)` from the kernel: one plane, the model's mask at the plane's size. */
  async segment(viewer: ViewerModel, request: SegmentRequest): Promise<SegmentAnswer> {
    const image = viewer.getLayer(request.layer_id);
    if (!(image instanceof ImageLayer)) throw new Error(`segment: layer ${JSON.stringify(request.layer_id)} is not an image layer of this viewer`);
    const annotator = this.annotatorFor(viewer);
    const result = await annotator.predictOn(image, request.step, {
      points: request.points.map(([r, c]) => [c, r] as [number, number]),
      labels: request.labels,
      box: request.box ? [request.box[1], request.box[0], request.box[3], request.box[2]] : undefined
    }, request.multimask);
    return { mask: result.mask, shape: result.shape, iou: result.iou };
  }
}

let service: SegmentService | null = null;

/** Called once by the models plugin; views created before it get no segment tool. */
export async function setSegmentService(models: ModelService): Promise<SegmentService> {
  let persistent: PersistentTier | undefined;
  try {
    if (typeof indexedDB !== 'undefined') persistent = new PersistentTier(await IndexedDBEmbeddingStorage.open('seglab-embeddings'));
  } catch (err) {
    console.warn('SegLab: embeddings are kept in memory only (IndexedDB is not available):', err);
  }
  service = new SegmentService(models, new EmbeddingCache({ persistent }));
  return service;
}

export function segmentService(): SegmentService | null {
  return service;
}
