/**
 * `createSamRuntime`: a SAM-family model (the encoder and decoder ONNX files) on
 * onnxruntime-web in a dedicated Web Worker, WebGPU when the browser has an adapter, WASM
 * otherwise (see backendChoice.ts, samWorkerHost.ts, runtimeClient.ts).
 *
 * Bundling: webpack (`jupyter labextension build`) turns `new Worker(new URL(...,
 * import.meta.url))` into a worker chunk of its own in the extension's static folder, loaded
 * from the extension's public path (computed at run time from where remoteEntry.js was loaded,
 * so it holds behind any base_url such as JupyterHub's /user/<name>/). The worker then loads
 * onnxruntime-web from static/ort/ next to itself (scripts/webpack.config.js puts the files
 * there), never from a CDN.
 */
import { RuntimeOptions, SamRuntime, SamRuntimeClient } from './runtimeClient';

export type { SamRuntime, SamBackendInfo, RuntimeOptions, WorkerEndpoint } from './runtimeClient';
export { formatBackendInfo, backendTooltip } from './backendChoice';

export function createSamRuntime(files: { encoder: Uint8Array; decoder: Uint8Array }, options: RuntimeOptions = {}): Promise<SamRuntime> {
  // The literal `new Worker(new URL('./samWorker.js', import.meta.url))` is what webpack turns
  // into a worker chunk. The ts-ignore is for the CommonJS type-check of tsconfig.test.json
  // (jest, bench/run), where import.meta is not allowed; the real build (esnext) needs none.
  // eslint-disable-next-line @typescript-eslint/ban-ts-comment
  // @ts-ignore TS1343
  const worker = new Worker(new URL('./samWorker.js', import.meta.url), { name: 'seglab-sam' });
  return SamRuntimeClient.start(worker, files, options);
}
