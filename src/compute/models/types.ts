/**
 * What a SAM-family model entry is: its family, pre-processing constants and where its two
 * ONNX files come from. Shared by the registry (./registry.ts), validation (./validate.ts)
 * and the store (./modelStore.ts).
 */

/** The model families whose ONNX pair has the interface src/compute/sam/samSession.ts runs. */
export const MODEL_FAMILIES = ['sam', 'mobile_sam', 'seglab_prompter'] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/** Files larger than this are refused before any byte is read (4 GiB). */
export const MAX_MODEL_FILE_BYTES = 4 * 1024 ** 3;

/**
 * Where one model file's bytes come from. `sha256` (lower-case hex) and `bytes`, when known
 * up front (a seglab-model.json manifest has both), are checked after the download, and a
 * known sha256 lets a cached copy be used without touching the network.
 */
export type ModelSource =
  /** A file on the Jupyter server, relative to the server root (resolved behind any base URL). */
  | { kind: 'server'; path: string; sha256?: string; bytes?: number }
  /** An http(s) URL the user configured (the other server must allow CORS). */
  | { kind: 'url'; url: string; sha256?: string; bytes?: number }
  /** Bytes the kernel sent, found in the model cache by their sha256 (./modelStore.ts). */
  | { kind: 'kernel'; sha256: string; bytes?: number };

export interface ModelEntry {
  id: string;
  family: ModelFamily;
  encoder: ModelSource;
  decoder: ModelSource;
  /** Side of the square the encoder takes (1024 for every supported family). */
  inputSize: number;
  /** Per-channel RGB normalisation of SAM's pre-processing, in 0..255 units. */
  pixelMean: [number, number, number];
  pixelStd: [number, number, number];
  name?: string;
  description?: string;
  /** Where the entry came from: the settings, or `ModelRegistry.add` (kernel, code). */
  origin?: 'settings' | 'added';
}

/** Something a settings entry or manifest got wrong, with what was expected. */
export class ModelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelConfigError';
  }
}
