/**
 * The registry and the store together: what src/jupyter exposes (as a token) and what the
 * SAM workflow calls to get a model's bytes. Knows nothing of JupyterLab: src/jupyter reads
 * the settings and passes their raw JSON here, and injects the server-path resolver.
 */

import { ModelRegistry } from './registry';
import { CacheUsage, LoadOptions, ModelStore } from './modelStore';
import { ModelConfigError, ModelEntry } from './types';
import { entryFromManifest, parseSettingsModel } from './validate';

export interface LoadedModel {
  entry: ModelEntry;
  encoder: Uint8Array;
  decoder: Uint8Array;
  /** Per file: true when no byte came over the network. */
  fromCache: { encoder: boolean; decoder: boolean };
}

export class ModelService {
  private settingsRun = 0;

  constructor(
    readonly registry: ModelRegistry,
    readonly store: ModelStore
  ) {}

  /**
   * The two ONNX files of model `id` (the default model when omitted), from the cache or
   * downloaded; ready for `createSamRuntime(files)` / `SamSession.create(ort, files)`.
   * Rejects with a ModelConfigError (unknown id), a ModelDownloadError (HTTP, truncated,
   * sha256 mismatch...) or the signal's AbortError.
   */
  async load(id?: string, options: LoadOptions = {}): Promise<LoadedModel> {
    const entry = id === undefined ? this.registry.defaultModel : this.registry.get(id);
    if (!entry) {
      const known = this.registry.models.map(m => m.id);
      throw new ModelConfigError(
        id === undefined
          ? 'no model is configured: add one to the "models" setting of SegLab (Settings Editor), or send one from the kernel'
          : `no model ${JSON.stringify(id)}; known models: ${known.length ? known.join(', ') : 'none'}`
      );
    }
    const { encoder, decoder } = await this.store.loadModel(entry, options);
    return { entry, encoder: encoder.bytes, decoder: decoder.bytes, fromCache: { encoder: encoder.fromCache, decoder: decoder.fromCache } };
  }

  /**
   * A model whose bytes the kernel sent: `manifest` is its seglab-model.json (checked as any
   * manifest; its sha256 values, when given, must match the bytes). The bytes go into the
   * model cache by hash and the entry (sources of kind 'kernel') into the registry.
   */
  async registerKernelModel(manifest: unknown, files: { encoder: Uint8Array; decoder: Uint8Array }, id?: string): Promise<ModelEntry> {
    const parsed = entryFromManifest(manifest, null, id !== undefined ? { id } : {});
    const encoder = await this.store.putBytes(files.encoder, parsed.encoder.sha256 || undefined, `encoder of ${parsed.id}`);
    const decoder = await this.store.putBytes(files.decoder, parsed.decoder.sha256 || undefined, `decoder of ${parsed.id}`);
    return this.registry.add({ ...parsed, encoder, decoder });
  }

  /**
   * Replaces the settings' models: `items` is the raw `models` setting. Manifests are fetched;
   * an item that fails is left out and its message kept in `registry.problems`. A later call
   * supersedes one still fetching.
   */
  async applySettings(items: unknown, defaultModel: string | null): Promise<void> {
    const run = ++this.settingsRun;
    const problems: string[] = [];
    const list = Array.isArray(items) ? items : [];
    if (items !== undefined && items !== null && !Array.isArray(items)) problems.push(`models: expected a list of models, got ${typeof items}`);
    const results = await Promise.all(
      list.map(async (raw, i): Promise<ModelEntry | null> => {
        const where = `models[${i}]`;
        try {
          const parsed = parseSettingsModel(raw, where);
          if (parsed.kind === 'entry') return parsed.entry;
          const { manifest, ...overrides } = parsed;
          return await this.store.fetchManifest(manifest, overrides);
        } catch (err) {
          problems.push(err instanceof ModelConfigError ? err.message : `${where}: ${(err as Error).message ?? err}`);
          return null;
        }
      })
    );
    if (run !== this.settingsRun) return;
    const entries: ModelEntry[] = [];
    results.forEach((entry, i) => {
      if (!entry) return;
      const first = entries.findIndex(e => e.id === entry.id);
      if (first >= 0) problems.push(`models[${i}]: id ${JSON.stringify(entry.id)} is already used by an earlier model; left out`);
      else entries.push(entry);
    });
    this.registry.setFromSettings(entries, problems, defaultModel || null);
  }

  modelCacheUsage(): Promise<CacheUsage> {
    return this.store.usage();
  }

  /** Empties the model cache; returns the bytes and files freed. */
  clearModelCache(): Promise<{ bytes: number; entries: number }> {
    return this.store.clear();
  }
}
