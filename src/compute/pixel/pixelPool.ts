/**
 * A pool of pixel-classification Web Workers behind the PixelEngine interface: the plane
 * and the forest go to every worker; a block always goes to the same worker (by its
 * position), so its cached features are found again; trees are split between workers.
 * `createPixelEngines` falls back to one in-thread host where Web Workers do not exist.
 */
import { PixelEngine, PixelWorkerHost } from './engine';

class WorkerEngine implements PixelEngine {
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void }>();

  constructor(private readonly worker: Worker) {
    worker.onmessage = (event: MessageEvent) => {
      const { id, result, error } = event.data as { id: number; result?: unknown; error?: string };
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      if (error !== undefined) p.reject(new Error(error));
      else p.resolve(result as never);
    };
    worker.onerror = event => {
      for (const p of this.pending.values()) p.reject(new Error(`pixel worker failed: ${event.message}`));
      this.pending.clear();
    };
  }

  private call<T>(method: string, args: unknown[]): Promise<T> {
    const id = ++this.next;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: never) => void, reject });
      this.worker.postMessage({ id, method, args });
    });
  }

  setPlane(...args: Parameters<PixelEngine['setPlane']>) {
    return this.call<void>('setPlane', args);
  }
  setEmbedding(...args: Parameters<PixelEngine['setEmbedding']>) {
    return this.call<void>('setEmbedding', args);
  }
  samples(...args: Parameters<PixelEngine['samples']>) {
    return this.call<Float32Array>('samples', args);
  }
  trainTrees(...args: Parameters<PixelEngine['trainTrees']>) {
    return this.call<Awaited<ReturnType<PixelEngine['trainTrees']>>>('trainTrees', args);
  }
  setForest(...args: Parameters<PixelEngine['setForest']>) {
    return this.call<void>('setForest', args);
  }
  predict(...args: Parameters<PixelEngine['predict']>) {
    return this.call<Float32Array>('predict', args);
  }
  dispose(): void {
    this.worker.terminate();
    for (const p of this.pending.values()) p.reject(new Error('the pixel worker was stopped'));
    this.pending.clear();
  }
}

/** `n` engines: Web Workers in a browser, else one in-thread host. */
export function createPixelEngines(n: number): PixelEngine[] {
  if (typeof Worker === 'undefined') return [new PixelWorkerHost()];
  return Array.from({ length: Math.max(1, n) }, () => {
    // As in ../sam/runtime.ts: the literal form is what webpack turns into a worker chunk.
    // eslint-disable-next-line @typescript-eslint/ban-ts-comment
    // @ts-ignore TS1343
    const worker = new Worker(new URL('./pixelWorker.js', import.meta.url), { name: 'seglab-pixel' });
    return new WorkerEngine(worker);
  });
}
