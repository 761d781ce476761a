/// <reference types="node" />
// The service: the `models` setting (manifests fetched from a real HTTP server), models the
// kernel sends, and loading a model by id.
import { createHash } from 'crypto';
import { MemoryModelCache } from '../modelCache';
import { ModelService } from '../modelService';
import { ModelStore } from '../modelStore';
import { ModelRegistry } from '../registry';
import { FileServer, someBytes, startFileServer } from './fileServer';

let server: FileServer;
beforeAll(async () => {
  server = await startFileServer();
});
afterAll(() => server.close());

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const service = () =>
  new ModelService(new ModelRegistry(), new ModelStore({ cache: new MemoryModelCache(), resolveServerPath: p => `${server.base}/files/${p}`, warn: () => undefined }));

function exportedModel(folder: string, seed: number) {
  const encoder = someBytes(120000, seed);
  const decoder = someBytes(9000, seed + 1);
  const manifest = {
    format: 1,
    id: `vit_t-random-seed${seed}`,
    family: 'mobile_sam',
    arch: 'vit_t',
    input_size: 1024,
    pixel_mean: [123.675, 116.28, 103.53],
    pixel_std: [58.395, 57.12, 57.375],
    encoder: { file: 'encoder.onnx', sha256: sha(encoder), bytes: encoder.byteLength },
    decoder: { file: 'decoder.onnx', sha256: sha(decoder), bytes: decoder.byteLength },
    weights: `random, seed ${seed} — NOT a trained model`,
    opset: 17
  };
  server.files.set(`${folder}/encoder.onnx`, encoder);
  server.files.set(`${folder}/decoder.onnx`, decoder);
  server.files.set(`${folder}/seglab-model.json`, new TextEncoder().encode(JSON.stringify(manifest)));
  return { encoder, decoder, manifest };
}

test('settings: manifests and full entries feed the registry; bad items are left out with their reason', async () => {
  const a = exportedModel('models/vit_t', 1);
  const models = service();
  let changes = 0;
  models.registry.changed.connect(() => changes++);
  await models.applySettings(
    [
      { manifest: 'models/vit_t/seglab-model.json', name: 'MobileSAM (random)' },
      { id: 'direct', family: 'sam', encoder: 'models/vit_t/encoder.onnx', decoder: `${server.base}/files/models/vit_t/decoder.onnx` },
      { manifest: 'models/none/seglab-model.json' },
      { id: 'direct', family: 'sam', encoder: 'e', decoder: 'd' },
      { id: 'two', family: 'sam2', encoder: 'e', decoder: 'd' }
    ],
    'direct'
  );
  expect(changes).toBe(1);
  expect(models.registry.models.map(m => m.id)).toEqual(['vit_t-random-seed1', 'direct']);
  expect(models.registry.defaultModel?.id).toBe('direct');
  expect(models.registry.get('vit_t-random-seed1')).toMatchObject({ name: 'MobileSAM (random)', encoder: { kind: 'server', path: 'models/vit_t/encoder.onnx', sha256: a.manifest.encoder.sha256 } });
  const problems = models.registry.problems.join('\n');
  expect(problems).toContain(`models[2]: could not download ${server.base}/files/models/none/seglab-model.json: HTTP 404`);
  expect(problems).toContain('models[3]: id "direct" is already used by an earlier model; left out');
  expect(problems).toContain('models[4] ("two"): family: "sam2" (SAM 2) is not supported yet');

  const events: [number, number | undefined][] = [];
  const loaded = await models.load('vit_t-random-seed1', { onProgress: (n, t) => events.push([n, t]) });
  expect(Buffer.from(loaded.encoder).equals(Buffer.from(a.encoder))).toBe(true);
  expect(Buffer.from(loaded.decoder).equals(Buffer.from(a.decoder))).toBe(true);
  expect(loaded.fromCache).toEqual({ encoder: false, decoder: false });
  expect(events[events.length - 1]).toEqual([129000, 129000]);
  const before = server.seen.length;
  expect((await models.load('vit_t-random-seed1')).fromCache).toEqual({ encoder: true, decoder: true });
  expect(server.seen.length).toBe(before);
  await expect(models.load('nope')).rejects.toThrow('no model "nope"; known models: vit_t-random-seed1, direct');

  // Settings change: the new list replaces the old.
  await models.applySettings([], null);
  expect(models.registry.models).toEqual([]);
  await expect(models.load()).rejects.toThrow(/no model is configured: add one to the "models" setting/);
});

test('a later settings change wins over one still fetching its manifests', async () => {
  exportedModel('models/late', 3);
  const models = service();
  const first = models.applySettings([{ manifest: 'models/late/seglab-model.json' }], null);
  const second = models.applySettings([{ id: 'only', family: 'sam', encoder: 'e.onnx', decoder: 'd.onnx' }], null);
  await Promise.all([first, second]);
  expect(models.registry.models.map(m => m.id)).toEqual(['only']);
});

test('a model from the kernel: bytes checked against its manifest, cached, loadable without the network', async () => {
  const { encoder, decoder, manifest } = exportedModel('kernel-only', 5);
  const models = service();
  const before = server.seen.length;
  const entry = await models.registerKernelModel(manifest, { encoder, decoder }, 'from-kernel');
  expect(entry).toMatchObject({ id: 'from-kernel', origin: 'added', encoder: { kind: 'kernel', sha256: sha(encoder) } });
  const loaded = await models.load('from-kernel');
  expect(Buffer.from(loaded.decoder).equals(Buffer.from(decoder))).toBe(true);
  expect(server.seen.length).toBe(before);
  expect(await models.modelCacheUsage()).toMatchObject({ entries: 2, bytes: encoder.byteLength + decoder.byteLength });
  await expect(models.registerKernelModel(manifest, { encoder: decoder, decoder }, 'swapped')).rejects.toThrow(/encoder of swapped from the kernel: sha256 .* but expected/);
  expect(await models.clearModelCache()).toEqual({ entries: 2, bytes: encoder.byteLength + decoder.byteLength });
});
