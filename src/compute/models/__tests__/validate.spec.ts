import { ModelRegistry } from '../registry';
import { ModelConfigError } from '../types';
import { entryFromManifest, parseSettingsModel, validateModelEntry } from '../validate';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'B'.repeat(64);

/** What `python -m seglab.models export --arch vit_t` writes (python-kernel-bridge/seglab/models/_export.py). */
const manifest = () => ({
  format: 1,
  id: 'vit_t-random-seed0',
  family: 'mobile_sam',
  arch: 'vit_t',
  input_size: 1024,
  pixel_mean: [123.675, 116.28, 103.53],
  pixel_std: [58.395, 57.12, 57.375],
  encoder: { file: 'encoder.onnx', sha256: SHA_A, bytes: 28000000 },
  decoder: { file: 'decoder.onnx', sha256: SHA_A.replace(/a/g, 'b'), bytes: 16000000 },
  weights: 'random, seed 0 — NOT a trained model',
  opset: 17
});

const messageOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ModelConfigError');
};

describe('settings items', () => {
  test('a full entry: server paths normalised, URLs kept, sha256 lower-cased, SAM defaults filled in', () => {
    const parsed = parseSettingsModel(
      { id: 'b', family: 'sam', encoder: '/models//vit b/./encoder.onnx', decoder: 'https://example.org/m/decoder.onnx', sha256: { encoder: SHA_B } },
      'models[0]'
    );
    expect(parsed).toEqual({
      kind: 'entry',
      entry: {
        id: 'b',
        family: 'sam',
        encoder: { kind: 'server', path: 'models/vit b/encoder.onnx', sha256: SHA_B.toLowerCase() },
        decoder: { kind: 'url', url: 'https://example.org/m/decoder.onnx' },
        inputSize: 1024,
        pixelMean: [123.675, 116.28, 103.53],
        pixelStd: [58.395, 57.12, 57.375]
      }
    });
  });

  test('a manifest item: only id/name/description besides it', () => {
    expect(parseSettingsModel({ manifest: 'models/vit_b/seglab-model.json', name: 'ViT-B' }, 'models[1]')).toEqual({
      kind: 'manifest',
      manifest: { kind: 'server', path: 'models/vit_b/seglab-model.json' },
      name: 'ViT-B'
    });
    expect(messageOf(() => parseSettingsModel({ manifest: 'm.json', family: 'sam', encoder: 'e' }, 'models[1]'))).toBe(
      'models[1]: family: comes from the manifest; with "manifest" only id, name and description may be given; ' +
        'encoder: comes from the manifest; with "manifest" only id, name and description may be given'
    );
  });

  test('each problem is named, with what was expected', () => {
    const msg = messageOf(() =>
      parseSettingsModel(
        { id: 'x', family: 'sam3', encoder: 'file:///tmp/e.onnx', pixelMean: [1, 2], pixelStd: [1, 0, 1], inputSize: -4, sha256: { encoder: 'abc' }, encoderUrl: 'y' },
        'models[2]'
      )
    );
    expect(msg).toContain('models[2] ("x"): unknown key "encoderUrl" (expected id, name,');
    expect(msg).toContain('family: unknown family "sam3": expected one of sam, mobile_sam, seglab_prompter');
    expect(msg).toContain('encoder: expected a path on the Jupyter server relative to its root (e.g. models/vit_b/encoder.onnx) or an http(s) URL; "file:" URLs are not supported');
    expect(msg).toContain('decoder: missing; expected the decoder ONNX file');
    expect(msg).toContain('pixelMean: expected 3 numbers (R, G, B in 0..255 units), got [1,2]');
    expect(msg).toContain('pixelStd: expected 3 positive numbers');
    expect(msg).toContain('inputSize: expected a positive integer');
    expect(msg).toContain('sha256.encoder: expected 64 hexadecimal digits (a sha256), got "abc"');
  });

  test('SAM 2 is refused as not supported yet, not as unknown', () => {
    expect(messageOf(() => parseSettingsModel({ id: 's', family: 'sam2', encoder: 'e', decoder: 'd' }, 'models[0]'))).toMatch(
      /family: "sam2" \(SAM 2\) is not supported yet/
    );
  });

  test('paths with .., empty strings and other input sizes are refused', () => {
    expect(messageOf(() => parseSettingsModel({ id: 'p', family: 'sam', encoder: '../secret.onnx', decoder: ' ' }, 'm'))).toMatch(
      /encoder: '\.\.' is not allowed in a server path.*decoder: expected a path on the Jupyter server/
    );
    expect(messageOf(() => parseSettingsModel({ id: 'p', family: 'sam', encoder: 'e', decoder: 'd', inputSize: 512 }, 'm'))).toMatch(
      /SegLab runs encoders with input size 1024, this model says 512/
    );
    expect(messageOf(() => parseSettingsModel('models/x.json', 'models[3]'))).toMatch(/expected an object .* got "models\/x.json"/);
  });
});

describe('manifests', () => {
  test('files resolve next to the manifest on the server and behind a URL', () => {
    const onServer = entryFromManifest(manifest(), { kind: 'server', path: 'models/vit_t/seglab-model.json' });
    expect(onServer.encoder).toEqual({ kind: 'server', path: 'models/vit_t/encoder.onnx', sha256: SHA_A, bytes: 28000000 });
    expect(onServer).toMatchObject({ id: 'vit_t-random-seed0', family: 'mobile_sam', inputSize: 1024 });
    expect(onServer.description).toBe('vit_t: random, seed 0 — NOT a trained model');
    const byUrl = entryFromManifest(manifest(), { kind: 'url', url: 'https://h.org/a/seglab-model.json' }, { id: 'mine' });
    expect(byUrl.decoder).toMatchObject({ kind: 'url', url: 'https://h.org/a/decoder.onnx' });
    expect(byUrl.id).toBe('mine');
  });

  test('bad manifests: format, family, files outside the folder, negative or huge sizes, external data', () => {
    const bad = {
      ...manifest(),
      format: 2,
      family: 'sam2',
      pixel_std: [1, 2],
      encoder: { file: '../../etc/encoder.onnx', bytes: -1, sha256: 'zz' },
      decoder: { file: 'decoder.onnx', bytes: 5 * 1024 ** 3, external_data: { file: 'decoder.onnx.data' } }
    };
    const msg = messageOf(() => entryFromManifest(bad, { kind: 'server', path: 'models/x/seglab-model.json' }));
    expect(msg).toMatch(/^manifest models\/x\/seglab-model.json: /);
    expect(msg).toContain('format 2 is newer than this SegLab reads (1); update SegLab');
    expect(msg).toContain('(SAM 2) is not supported yet');
    expect(msg).toContain('pixel_std: expected 3 positive numbers');
    expect(msg).toContain('encoder.file: expected a file name relative to the manifest\'s folder (e.g. "encoder.onnx"), got "../../etc/encoder.onnx"');
    expect(msg).toContain('encoder.bytes: expected a size in bytes (an integer >= 0), got -1');
    expect(msg).toContain('encoder.sha256: expected 64 hexadecimal digits');
    expect(msg).toContain('decoder.bytes: 5368709120 bytes is more than the 4 GiB SegLab loads into a browser');
    expect(msg).toContain('"decoder.onnx.data"');
    expect(msg).toContain('cannot load external-data ONNX files in the browser yet');
  });

  test('the bundled prompter family is accepted', () => {
    expect(entryFromManifest({ ...manifest(), family: 'seglab_prompter' }, { kind: 'server', path: 'p/seglab-model.json' }).family).toBe('seglab_prompter');
  });
});

describe('registry', () => {
  const entry = (id: string) => ({ id, family: 'sam', encoder: { kind: 'server', path: `${id}/e.onnx` }, decoder: { kind: 'url', url: 'http://h/d.onnx' } });

  test('add validates; added entries shadow settings ones; changed fires; default falls back to the first', () => {
    const registry = new ModelRegistry();
    let changes = 0;
    registry.changed.connect(() => changes++);
    registry.setFromSettings([validateModelEntry(entry('a'), 't'), validateModelEntry(entry('b'), 't')], [], 'zzz');
    expect(registry.problems).toEqual(['defaultModel: no model has id "zzz" (models: a, b)']);
    expect(registry.defaultModel?.id).toBe('a');
    registry.add({ ...entry('b'), family: 'mobile_sam' });
    expect(registry.models.map(m => [m.id, m.family, m.origin])).toEqual([
      ['a', 'sam', 'settings'],
      ['b', 'mobile_sam', 'added']
    ]);
    expect(registry.get('b')?.family).toBe('mobile_sam');
    expect(() => registry.add({ ...entry('c'), encoder: { kind: 'url', url: 'ftp://h/e.onnx' } })).toThrow(
      /model "c": encoder.url: .*"ftp:" URLs are not supported/
    );
    expect(() => registry.add({ ...entry('k'), decoder: { kind: 'kernel' } })).toThrow(/decoder.sha256: a kernel source is found in the cache by its sha256/);
    expect(registry.remove('b')).toBe(true);
    expect(registry.get('b')?.family).toBe('sam');
    expect(changes).toBe(3);
  });
});
