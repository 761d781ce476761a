/// <reference types="node" />
// Server paths resolved behind base URLs ('/', JupyterHub's '/user/<name>/'), checked by
// string and by fetching through a real HTTP server that routes on the encoded path.
import { MemoryModelCache } from '../../compute/models/modelCache';
import { ModelStore } from '../../compute/models/modelStore';
import { someBytes, startFileServer } from '../../compute/models/__tests__/fileServer';
import { serverFileUrl } from '../modelSettings';

test('server paths: each segment encoded, behind any base URL', () => {
  expect(serverFileUrl('models/vit_b/encoder.onnx', '/')).toBe('/files/models/vit_b/encoder.onnx');
  expect(serverFileUrl('/models/x y/#1?.onnx', '/user/a b/')).toBe('/user/a b/files/models/x%20y/%231%3F.onnx');
  expect(serverFileUrl('m/e.onnx', 'http://hub.example/user/alice/')).toBe('http://hub.example/user/alice/files/m/e.onnx');
});

test('a file with spaces and # in its path is fetched behind /user/a b/', async () => {
  const server = await startFileServer();
  try {
    const bytes = someBytes(10000, 3);
    server.files.set('models/x y/#1.onnx', bytes);
    const base = `${server.base}/user/a b/`;
    const store = new ModelStore({ cache: new MemoryModelCache(), resolveServerPath: p => serverFileUrl(p, base) });
    const got = await store.loadFile({ kind: 'server', path: 'models/x y/#1.onnx' });
    expect(Buffer.from(got.bytes).equals(Buffer.from(bytes))).toBe(true);
    expect(server.seen.map(r => r.url)).toEqual(['/user/a%20b/files/models/x%20y/%231.onnx']);
  } finally {
    await server.close();
  }
});
