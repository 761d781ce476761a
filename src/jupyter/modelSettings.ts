/**
 * JupyterLab's side of the model registry and cache (src/compute/models): where a server path
 * is fetched from (behind any base URL, e.g. JupyterHub's /user/<name>/), the token other
 * plugins use to get model bytes, and the `models` / `defaultModel` settings feeding the
 * registry, live as the user edits them.
 */

import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { Token } from '@lumino/coreutils';
import { openModelCache } from '../compute/models/modelCache';
import { ModelService } from '../compute/models/modelService';
import { ModelStore } from '../compute/models/modelStore';
import { ModelRegistry } from '../compute/models/registry';
import { readModelSettings } from './settings';

/** The SAM-family model registry and cache: `models.load(id, {onProgress, signal})`. */
export const ISegLabModels = new Token<ModelService>('seglab:models', 'SegLab model registry and model cache');

/**
 * The URL of `path` (relative to the Jupyter server's root) through the server's /files/
 * handler. Each segment is URL-encoded ("a b/c#1.onnx" -> "a%20b/c%231.onnx"); the base URL
 * is used as the server gave it to the page (it is the prefix the server routes on).
 */
export function serverFileUrl(path: string, baseUrl: string = PageConfig.getBaseUrl()): string {
  const segments = path
    .split('/')
    .filter(s => s !== '' && s !== '.')
    .map(encodeURIComponent);
  return URLExt.join(baseUrl, 'files', ...segments);
}

/** The service with the browser's Cache Storage (or the in-memory fallback, with a warning). */
export async function createModelService(baseUrl?: string): Promise<ModelService> {
  const cache = await openModelCache();
  if (cache.note) console.warn(`SegLab model cache: ${cache.note}`);
  const store = new ModelStore({ cache, resolveServerPath: path => serverFileUrl(path, baseUrl ?? PageConfig.getBaseUrl()) });
  return new ModelService(new ModelRegistry(), store);
}

/** Feeds the `models` and `defaultModel` settings into `service`, now and on every change. */
export function followModelSettings(service: ModelService, settings: ISettingRegistry.ISettings): void {
  let applied: string | null = null;
  const apply = async () => {
    const { models, defaultModel } = readModelSettings(settings);
    // Other settings changing (zoom factor, shortcuts) must not re-fetch every manifest.
    const key = JSON.stringify([models, defaultModel]);
    if (key === applied) return;
    applied = key;
    await service.applySettings(models, defaultModel);
    for (const problem of service.registry.problems) console.warn(`SegLab models setting: ${problem}`);
  };
  void apply();
  settings.changed.connect(() => void apply());
}
