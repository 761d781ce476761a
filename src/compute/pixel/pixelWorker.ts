/**
 * A pixel-classification Web Worker (./pixelPool.ts starts them): every request is a method
 * call on one PixelWorkerHost, answered with its result or its error, in arrival order.
 */
import { PixelWorkerHost } from './engine';

interface WorkerScope {
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

const scope = self as unknown as WorkerScope;
const host = new PixelWorkerHost();
type Method = 'setPlane' | 'setEmbedding' | 'samples' | 'trainTrees' | 'setForest' | 'predict';
const METHODS: readonly Method[] = ['setPlane', 'setEmbedding', 'samples', 'trainTrees', 'setForest', 'predict'];
let queue: Promise<void> = Promise.resolve();

scope.onmessage = event => {
  const { id, method, args } = event.data as { id: number; method: Method; args: unknown[] };
  queue = queue.then(async () => {
    try {
      if (!METHODS.includes(method)) throw new Error(`unknown method ${String(method)}`);
      const fn = host[method] as (...a: unknown[]) => Promise<unknown>;
      const result = await fn.apply(host, args);
      const transfer = result instanceof Float32Array ? [result.buffer] : [];
      scope.postMessage({ id, result }, transfer);
    } catch (err) {
      scope.postMessage({ id, error: String((err as Error)?.message ?? err) }, []);
    }
  });
};
