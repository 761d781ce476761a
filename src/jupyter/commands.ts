/** Every command SegLab adds to JupyterLab, in one place. */
export const CommandIDs = {
  newViewer: 'seglab:new-viewer',
  resetView: 'seglab:reset-view',
  /** Empties the browser's model cache; shows and returns the bytes freed. */
  clearModelCache: 'seglab:clear-model-cache',
  /** Shows and returns the model cache's size ({bytes, entries, persistent, note}). */
  showModelCacheUsage: 'seglab:show-model-cache-usage',
  /** Args {id?}: returns the model's bytes ({entry, encoder, decoder, fromCache}); no UI. */
  loadModel: 'seglab:load-model',
  /** Returns {models: [{id, family, name, origin}], defaultModel, problems}; no UI. */
  listModels: 'seglab:list-models',
  /** Args {encoderPath, decoderPath, preferWebGPU?, threads?}: returns a SamRuntime (Web Worker); no UI. */
  createSamRuntime: 'seglab:create-sam-runtime'
} as const;

export const PLUGIN_ID = 'seglab:plugin';
export const IMAGE_FILE_FACTORY = 'SegLab Viewer';
export const IMAGE_FILE_TYPES = ['tiff', 'png', 'jpeg'];
