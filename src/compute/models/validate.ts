/**
 * Checks every model description SegLab is given (an entry from code or the kernel, an item
 * of the `models` setting, a seglab-model.json manifest) and turns it into a ModelEntry, or
 * throws a ModelConfigError that lists each problem together with what was expected. The
 * manifest format is the one `python -m seglab.models export` writes
 * (python-kernel-bridge/seglab/models/_export.py).
 */

import { MAX_MODEL_FILE_BYTES, MODEL_FAMILIES, ModelConfigError, ModelEntry, ModelFamily, ModelSource } from './types';

/** SAM's pre-processing constants (segment_anything's Sam.pixel_mean / pixel_std). */
export const SAM_PIXEL_MEAN: [number, number, number] = [123.675, 116.28, 103.53];
export const SAM_PIXEL_STD: [number, number, number] = [58.395, 57.12, 57.375];
/** Encoder input sizes the runtime (src/core/sam, src/compute/sam) handles. */
export const SUPPORTED_INPUT_SIZES: readonly number[] = [1024];
/** The seglab-model.json `format` this code reads. */
export const MANIFEST_FORMAT = 1;
export const MANIFEST_FILE = 'seglab-model.json';

const SHA256 = /^[0-9a-f]{64}$/;
const SETTINGS_KEYS = ['id', 'name', 'description', 'family', 'encoder', 'decoder', 'inputSize', 'pixelMean', 'pixelStd', 'sha256', 'manifest'];
const MANIFEST_OVERRIDES = ['id', 'name', 'description', 'manifest'];

/** Collects problems so one message can name all of them. */
class Problems {
  readonly list: string[] = [];
  add(message: string): void {
    this.list.push(message);
  }
  throwIfAny(where: string): void {
    if (this.list.length) throw new ModelConfigError(`${where}: ${this.list.join('; ')}`);
  }
}

const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkId(value: unknown, problems: Problems, key = 'id'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(`${key}: expected a non-empty string naming the model, got ${show(value)}`);
    return '';
  }
  if (value.length > 200 || /[\u0000-\u001f]/.test(value)) {
    problems.add(`${key}: expected at most 200 printable characters, got ${show(value)}`);
  }
  return value;
}

function checkFamily(value: unknown, problems: Problems, key = 'family'): ModelFamily {
  if (typeof value === 'string' && (MODEL_FAMILIES as readonly string[]).includes(value)) return value as ModelFamily;
  if (typeof value === 'string' && /^sam[-_ ]?2/i.test(value)) {
    problems.add(
      `${key}: ${show(value)} (SAM 2) is not supported yet: SegLab runs the SAM / MobileSAM encoder-decoder interface ` +
        `(families ${MODEL_FAMILIES.join(', ')})`
    );
  } else {
    problems.add(`${key}: unknown family ${show(value)}: expected one of ${MODEL_FAMILIES.join(', ')}`);
  }
  return 'sam';
}

function checkInputSize(value: unknown, problems: Problems, key: string): number {
  if (value === undefined) return SUPPORTED_INPUT_SIZES[0];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    problems.add(`${key}: expected a positive integer (the encoder's input side, 1024), got ${show(value)}`);
  } else if (!SUPPORTED_INPUT_SIZES.includes(value)) {
    problems.add(`${key}: SegLab runs encoders with input size ${SUPPORTED_INPUT_SIZES.join(' or ')}, this model says ${value}`);
  }
  return typeof value === 'number' ? value : SUPPORTED_INPUT_SIZES[0];
}

function checkTriple(value: unknown, fallback: [number, number, number], problems: Problems, key: string, positive: boolean): [number, number, number] {
  if (value === undefined) return [...fallback];
  const ok =
    Array.isArray(value) &&
    value.length === 3 &&
    value.every(v => typeof v === 'number' && Number.isFinite(v) && (positive ? v > 0 : true));
  if (!ok) {
    problems.add(`${key}: expected 3 ${positive ? 'positive ' : ''}numbers (R, G, B in 0..255 units), got ${show(value)}`);
    return [...fallback];
  }
  return [value[0], value[1], value[2]];
}

function checkSha(value: unknown, problems: Problems, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !SHA256.test(value.toLowerCase())) {
    problems.add(`${key}: expected 64 hexadecimal digits (a sha256), got ${show(value)}`);
    return undefined;
  }
  return value.toLowerCase();
}

function checkBytes(value: unknown, problems: Problems, key: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    problems.add(`${key}: expected a size in bytes (an integer >= 0), got ${show(value)}`);
    return undefined;
  }
  if (value > MAX_MODEL_FILE_BYTES) {
    problems.add(`${key}: ${value} bytes is more than the 4 GiB SegLab loads into a browser`);
    return undefined;
  }
  return value;
}

/**
 * A path on the Jupyter server relative to its root: leading '/' and '.' segments dropped;
 * '..' refused (the server would refuse it too, less clearly).
 */
function normaliseServerPath(path: string, problems: Problems, key: string): string {
  const parts = path.split('/').filter(p => p !== '' && p !== '.');
  if (parts.includes('..')) problems.add(`${key}: '..' is not allowed in a server path, got ${show(path)}`);
  if (parts.length === 0) problems.add(`${key}: expected a file path on the Jupyter server, got ${show(path)}`);
  return parts.join('/');
}

/**
 * A settings string: an http(s) URL, or else a path on the Jupyter server relative to its
 * root. Any other scheme (file:, data:, ftp:...) is refused.
 */
function parseSourceString(value: unknown, problems: Problems, key: string): ModelSource | undefined {
  const expected = `expected a path on the Jupyter server relative to its root (e.g. models/vit_b/encoder.onnx) or an http(s) URL`;
  if (typeof value !== 'string' || value.trim() === '') {
    problems.add(`${key}: ${expected}, got ${show(value)}`);
    return undefined;
  }
  const text = value.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  if (scheme) {
    if (!/^https?$/i.test(scheme[1])) {
      problems.add(`${key}: ${expected}; ${show(scheme[1] + ':')} URLs are not supported, got ${show(text)}`);
      return undefined;
    }
    try {
      return { kind: 'url', url: new URL(text).href };
    } catch {
      problems.add(`${key}: not a valid URL: ${show(text)}`);
      return undefined;
    }
  }
  return { kind: 'server', path: normaliseServerPath(text, problems, key) };
}

function checkSource(value: unknown, problems: Problems, key: string): ModelSource | undefined {
  if (!isObject(value)) {
    problems.add(`${key}: expected {kind: 'server', path} | {kind: 'url', url} | {kind: 'kernel', sha256}, got ${show(value)}`);
    return undefined;
  }
  const sha256 = checkSha(value.sha256, problems, `${key}.sha256`);
  const bytes = checkBytes(value.bytes, problems, `${key}.bytes`);
  const extra = { ...(sha256 !== undefined ? { sha256 } : {}), ...(bytes !== undefined ? { bytes } : {}) };
  switch (value.kind) {
    case 'server':
      if (typeof value.path !== 'string') {
        problems.add(`${key}.path: expected a server path string, got ${show(value.path)}`);
        return undefined;
      }
      return { kind: 'server', path: normaliseServerPath(value.path, problems, `${key}.path`), ...extra };
    case 'url': {
      const parsed = parseSourceString(value.url, problems, `${key}.url`);
      if (parsed && parsed.kind !== 'url') {
        problems.add(`${key}.url: expected an http(s) URL, got ${show(value.url)}`);
        return undefined;
      }
      return parsed && { ...parsed, ...extra };
    }
    case 'kernel':
      if (sha256 === undefined) {
        problems.add(`${key}.sha256: a kernel source is found in the cache by its sha256; expected 64 hex digits, got ${show(value.sha256)}`);
        return undefined;
      }
      return { kind: 'kernel', ...extra, sha256 };
    default:
      problems.add(`${key}.kind: expected 'server', 'url' or 'kernel', got ${show(value.kind)}`);
      return undefined;
  }
}

/** A ModelEntry from code or the kernel (already in ModelEntry's shape). */
export function validateModelEntry(raw: unknown, where: string): ModelEntry {
  const problems = new Problems();
  if (!isObject(raw)) throw new ModelConfigError(`${where}: expected an object describing a model, got ${show(raw)}`);
  const id = checkId(raw.id, problems);
  const name = optionalText(raw.name, problems, 'name');
  const description = optionalText(raw.description, problems, 'description');
  const entry: ModelEntry = {
    id,
    family: checkFamily(raw.family, problems),
    encoder: checkSource(raw.encoder, problems, 'encoder') as ModelSource,
    decoder: checkSource(raw.decoder, problems, 'decoder') as ModelSource,
    inputSize: checkInputSize(raw.inputSize, problems, 'inputSize'),
    pixelMean: checkTriple(raw.pixelMean, SAM_PIXEL_MEAN, problems, 'pixelMean', false),
    pixelStd: checkTriple(raw.pixelStd, SAM_PIXEL_STD, problems, 'pixelStd', true),
    ...(name !== undefined ? { name } : {}),
    ...(description !== undefined ? { description } : {})
  };
  problems.throwIfAny(id ? `${where} ${show(id)}` : where);
  return entry;
}

function optionalText(value: unknown, problems: Problems, key: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') problems.add(`${key}: expected a string, got ${show(value)}`);
  return typeof value === 'string' ? value : undefined;
}

/** What one item of the `models` setting says: a complete entry, or a manifest to fetch. */
export type SettingsModel =
  | { kind: 'entry'; entry: ModelEntry }
  | { kind: 'manifest'; manifest: ModelSource & { kind: 'server' | 'url' }; id?: string; name?: string; description?: string };

/** One item of the `models` setting (schema/plugin.json); `where` e.g. "models[2]". */
export function parseSettingsModel(raw: unknown, where: string): SettingsModel {
  const problems = new Problems();
  if (!isObject(raw)) {
    throw new ModelConfigError(`${where}: expected an object {id, family, encoder, decoder} or {manifest}, got ${show(raw)}`);
  }
  for (const key of Object.keys(raw)) {
    if (!SETTINGS_KEYS.includes(key)) problems.add(`unknown key ${show(key)} (expected ${SETTINGS_KEYS.join(', ')})`);
  }
  const name = optionalText(raw.name, problems, 'name');
  const description = optionalText(raw.description, problems, 'description');
  const labels = { ...(name !== undefined ? { name } : {}), ...(description !== undefined ? { description } : {}) };
  if (raw.manifest !== undefined) {
    for (const key of Object.keys(raw)) {
      if (SETTINGS_KEYS.includes(key) && !MANIFEST_OVERRIDES.includes(key)) {
        problems.add(`${key}: comes from the manifest; with "manifest" only id, name and description may be given`);
      }
    }
    const manifest = parseSourceString(raw.manifest, problems, 'manifest');
    const id = raw.id === undefined ? undefined : checkId(raw.id, problems);
    problems.throwIfAny(where);
    return { kind: 'manifest', manifest: manifest as ModelSource & { kind: 'server' | 'url' }, ...(id !== undefined ? { id } : {}), ...labels };
  }
  const id = checkId(raw.id, problems);
  const sha = isObject(raw.sha256) ? raw.sha256 : {};
  if (raw.sha256 !== undefined && !isObject(raw.sha256)) {
    problems.add(`sha256: expected {"encoder": "<64 hex>", "decoder": "<64 hex>"}, got ${show(raw.sha256)}`);
  }
  for (const key of Object.keys(sha)) {
    if (key !== 'encoder' && key !== 'decoder') problems.add(`sha256: unknown key ${show(key)} (expected encoder, decoder)`);
  }
  const file = (key: 'encoder' | 'decoder'): ModelSource => {
    if (raw[key] === undefined) problems.add(`${key}: missing; expected the ${key} ONNX file (a server path or an http(s) URL), or give "manifest" instead`);
    const source = raw[key] === undefined ? undefined : parseSourceString(raw[key], problems, key);
    const sha256 = checkSha(sha[key], problems, `sha256.${key}`);
    return { ...(source as ModelSource), ...(sha256 !== undefined ? { sha256 } : {}) };
  };
  const entry: ModelEntry = {
    id,
    family: raw.family === undefined ? missingFamily(problems) : checkFamily(raw.family, problems),
    encoder: file('encoder'),
    decoder: file('decoder'),
    inputSize: checkInputSize(raw.inputSize, problems, 'inputSize'),
    pixelMean: checkTriple(raw.pixelMean, SAM_PIXEL_MEAN, problems, 'pixelMean', false),
    pixelStd: checkTriple(raw.pixelStd, SAM_PIXEL_STD, problems, 'pixelStd', true),
    ...labels
  };
  problems.throwIfAny(id ? `${where} (${show(id)})` : where);
  return { kind: 'entry', entry };
}

function missingFamily(problems: Problems): ModelFamily {
  problems.add(`family: missing; expected one of ${MODEL_FAMILIES.join(', ')}`);
  return 'sam';
}

/** Where a manifest's file named `file` lies: next to the manifest (same folder). */
function besideManifest(manifest: ModelSource & { kind: 'server' | 'url' }, file: unknown, problems: Problems, key: string): ModelSource | undefined {
  if (typeof file !== 'string' || file === '' || file.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(file) || file.split(/[/\\]/).includes('..')) {
    problems.add(`${key}: expected a file name relative to the manifest's folder (e.g. "encoder.onnx"), got ${show(file)}`);
    return undefined;
  }
  if (manifest.kind === 'url') return { kind: 'url', url: new URL(file, manifest.url).href };
  const folder = manifest.path.split('/').slice(0, -1);
  return { kind: 'server', path: normaliseServerPath([...folder, file].join('/'), problems, key) };
}

type ManifestLocation = (ModelSource & { kind: 'server' | 'url' }) | null;

function manifestFile(raw: unknown, manifest: ManifestLocation, problems: Problems, key: string): ModelSource {
  if (!isObject(raw)) {
    problems.add(`${key}: expected {file, bytes, sha256}, got ${show(raw)}`);
    return { kind: 'kernel', sha256: '' };
  }
  if (raw.external_data !== undefined) {
    problems.add(
      `${key}: the ${key} keeps its weights in a separate file (${show(isObject(raw.external_data) ? raw.external_data.file : raw.external_data)}, ` +
        `models over 2 GB such as ViT-H); SegLab cannot load external-data ONNX files in the browser yet`
    );
  }
  const sha256 = checkSha(raw.sha256, problems, `${key}.sha256`);
  const bytes = checkBytes(raw.bytes, problems, `${key}.bytes`);
  const known = { ...(sha256 !== undefined ? { sha256 } : {}), ...(bytes !== undefined ? { bytes } : {}) };
  // No location: the bytes come with the manifest (the kernel); the caller sets the source.
  if (manifest === null) return { kind: 'kernel', sha256: '', ...known };
  const source = besideManifest(manifest, raw.file, problems, `${key}.file`);
  return { ...(source ?? manifest), ...known };
}

/**
 * A ModelEntry from a parsed seglab-model.json found at `manifest` (its files lie next to
 * it; null: the bytes came with it, and the caller replaces the kernel sources' sha256 with
 * that of the bytes). `overrides` (from the settings item) replace id/name/description.
 */
export function entryFromManifest(
  raw: unknown,
  manifest: ManifestLocation,
  overrides: { id?: string; name?: string; description?: string } = {}
): ModelEntry {
  const where = manifest === null ? 'manifest from the kernel' : `manifest ${manifest.kind === 'url' ? manifest.url : manifest.path}`;
  if (!isObject(raw)) throw new ModelConfigError(`${where}: expected a JSON object (seglab-model.json), got ${show(raw)}`);
  const problems = new Problems();
  if (raw.format !== MANIFEST_FORMAT) {
    problems.add(
      typeof raw.format === 'number' && raw.format > MANIFEST_FORMAT
        ? `format ${raw.format} is newer than this SegLab reads (${MANIFEST_FORMAT}); update SegLab`
        : `format: expected ${MANIFEST_FORMAT}, got ${show(raw.format)}`
    );
  }
  const id = overrides.id ?? checkId(raw.id, problems);
  const description = overrides.description ?? (typeof raw.weights === 'string' ? `${raw.arch ?? raw.family}: ${raw.weights}` : undefined);
  const entry: ModelEntry = {
    id,
    family: checkFamily(raw.family, problems),
    encoder: manifestFile(raw.encoder, manifest, problems, 'encoder'),
    decoder: manifestFile(raw.decoder, manifest, problems, 'decoder'),
    inputSize: checkInputSize(raw.input_size, problems, 'input_size'),
    pixelMean: checkTriple(raw.pixel_mean, SAM_PIXEL_MEAN, problems, 'pixel_mean', false),
    pixelStd: checkTriple(raw.pixel_std, SAM_PIXEL_STD, problems, 'pixel_std', true),
    ...(overrides.name !== undefined ? { name: overrides.name } : {}),
    ...(description !== undefined ? { description } : {})
  };
  problems.throwIfAny(where);
  return entry;
}
