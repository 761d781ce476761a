import { JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { createSamRuntime, formatBackendInfo, SamRuntime } from '../../compute/sam/runtime';
import { CommandIDs } from '../commands';

async function fetchServerFile(path: string): Promise<Uint8Array> {
  const url = URLExt.join(PageConfig.getBaseUrl(), 'files', ...path.split('/').filter(s => s !== '').map(encodeURIComponent));
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`could not fetch ${path} from the Jupyter server: ${response.status} ${response.statusText}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * The SAM runtime (onnxruntime-web in a Web Worker) as a command, for scripts and tests that
 * reach JupyterLab through its command registry: args {encoderPath, decoderPath} (server paths)
 * and optionally {preferWebGPU, threads}; returns the SamRuntime (no UI).
 */
export const samRuntimePlugin: JupyterFrontEndPlugin<void> = {
  id: 'seglab:sam-runtime',
  description: 'Creates SAM runtimes (onnxruntime-web in a Web Worker) from model files on the server.',
  autoStart: true,
  activate: (app: JupyterFrontEnd) => {
    app.commands.addCommand(CommandIDs.createSamRuntime, {
      label: 'Create a SegLab SAM Runtime',
      execute: async (args): Promise<SamRuntime> => {
        const { encoderPath, decoderPath, preferWebGPU, threads } = args as { encoderPath?: unknown; decoderPath?: unknown; preferWebGPU?: unknown; threads?: unknown };
        if (typeof encoderPath !== 'string' || typeof decoderPath !== 'string') throw new Error('encoderPath and decoderPath (server paths) are required');
        const [encoder, decoder] = await Promise.all([fetchServerFile(encoderPath), fetchServerFile(decoderPath)]);
        const runtime = await createSamRuntime(
          { encoder, decoder },
          { preferWebGPU: typeof preferWebGPU === 'boolean' ? preferWebGPU : undefined, threads: typeof threads === 'number' ? threads : undefined }
        );
        console.info(`SegLab SAM runtime: ${formatBackendInfo(runtime.info)}`);
        return runtime;
      }
    });
  }
};
