/**
 * Pixel classification for every SegLab viewer of the page: one PixelSession per viewer
 * model (shared by its views, so an output and a panel show the same classifier), its work in
 * a pool of Web Workers started on first use, and the kernel's `viewer.pixel_classifier`
 * requests (./widget/pixelRequests.ts).
 */
import { argmaxClasses } from '../core/forest/predict';
import { sizeOf } from '../core/ndarray';
import { createPixelEngines } from '../compute/pixel/pixelPool';
import { PixelSession } from '../apps/pixel/pixelSession';
import { PixelTool } from '../apps/pixel/pixelTool';
import { segmentService } from './segmentService';
import type { ViewerModel } from '../viewer/model/viewerModel';
import type { ViewerWidget } from '../viewer/ui/viewerWidget';
import type { PixelRequest } from './protocolPixel';
import type { PixelAnswer } from './widget/pixelRequests';

/** Workers per viewer: the cores the browser reports, at most 4 (one is the page's). */
function workerCount(): number {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  return Math.max(1, Math.min(4, cores));
}

export class PixelService {
  private readonly sessions = new WeakMap<ViewerModel, PixelSession>();

  sessionFor(viewer: ViewerModel): PixelSession {
    let s = this.sessions.get(viewer);
    if (!s) {
      s = new PixelSession(viewer, () => createPixelEngines(workerCount()));
      // Model features where the models plugin runs (it does in JupyterLab; tests may lack it).
      s.modelFeatureSource = segmentService()?.featureSource(viewer) ?? null;
      this.sessions.set(viewer, s);
    }
    return s;
  }

  attach(widget: ViewerWidget): PixelTool {
    return new PixelTool(widget, this.sessionFor(widget.model));
  }

  /** `viewer.pixel_classifier.*` from the kernel. */
  async answer(viewer: ViewerModel, request: PixelRequest): Promise<PixelAnswer> {
    const session = this.sessionFor(viewer);
    if (request.op === 'state') return json(stateOf(session));
    if (!session.active) throw new Error('pixel classification is off in this viewer: press "Classify" in its toolbar and scribble two classes');
    if (request.train) await session.train();
    else await session.settled();
    if (request.op === 'export') return json(session.exportClassifier());
    const proba = session.probabilities;
    const shape = session.resultShape; // the plane, or a 3D image's volume
    if (!proba || !shape) throw new Error('no prediction yet: scribble at least two classes (the classifier trains after each stroke)');
    const n = sizeOf(shape);
    const nClasses = proba.length / n;
    if (request.output === 'segmentation') {
      const seg = argmaxClasses(proba, nClasses, n); // class k is label k + 1
      for (let i = 0; i < n; i++) seg[i]++;
      return { dtype: 'uint8', shape: [...shape], bytes: seg };
    }
    return { dtype: 'float32', shape: [nClasses, ...shape], bytes: new Uint8Array(proba.buffer, proba.byteOffset, proba.byteLength) };
  }
}

function json(value: unknown): PixelAnswer {
  return { dtype: 'json', shape: [], bytes: new TextEncoder().encode(JSON.stringify(value)) };
}

function stateOf(s: PixelSession): Record<string, unknown> {
  const r = s.result;
  return {
    active: s.active,
    image: s.image?.name ?? null,
    classes: s.classes.map(c => ({ name: c.name, color: c.color })),
    features: s.features,
    model_features: s.modelFeatures,
    three_d: s.threeD && s.canUseVolume,
    live: s.live,
    busy: s.busy,
    trained: r !== null,
    oob_accuracy: r && Number.isFinite(r.forest.oobAccuracy) ? r.forest.oobAccuracy : null,
    n_samples: r?.nSamples ?? 0,
    counts: r?.counts ?? [],
    last_run_ms: r?.ms ?? null
  };
}

const service = new PixelService();

export function pixelService(): PixelService {
  return service;
}
