/**
 * The SAM Web Worker's entry (created by runtime.ts): loads onnxruntime-web from the `ort/`
 * folder beside this script (the extension's static folder, wherever the server mounts it:
 * a base_url like /user/<name>/ is part of this script's own URL) and hands every message to
 * SamWorkerHost. Imports nothing JupyterLab shares between extensions (a worker has no share
 * scope): only samWorkerHost and what it needs.
 *
 * onnxruntime-web is imported at run time (webpackIgnore), not bundled: its WASM glue starts
 * its thread workers from its own URL (import.meta.url), which must be the real file.
 * ort.min.mjs is the JSEP build, the one with the WebGPU provider (and WASM).
 */
import type { OrtModule } from './samSession';
import { SamWorkerHost } from './samWorkerHost';
import { idOf, SamReply } from './workerProtocol';

interface WorkerScope {
  location: { href: string };
  postMessage(message: unknown, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

const scope = self as unknown as WorkerScope;
const ortBase = new URL('ort/', scope.location.href).href;

const ortReady: Promise<OrtModule> = import(/* webpackIgnore: true */ `${ortBase}ort.min.mjs`).then((ort: OrtModule) => {
  ort.env.wasm.wasmPaths = ortBase;
  return ort;
});

let host: SamWorkerHost | null = null;
const post = (reply: SamReply, transfer: Transferable[]) => scope.postMessage(reply, transfer);

scope.onmessage = event => {
  // Handled in arrival order: every message waits on the same promise.
  ortReady.then(
    ort => {
      host ??= new SamWorkerHost(ort, post);
      host.handle(event.data);
    },
    err => {
      const id = idOf(event.data);
      const message = `could not load onnxruntime-web from ${ortBase}: ${(err as Error)?.message ?? err}`;
      if (id !== null) post({ type: 'error', id, error: { name: 'Error', message } }, []);
    }
  );
};
