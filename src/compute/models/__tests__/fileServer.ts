/// <reference types="node" />
/**
 * A real HTTP server on loopback for the model-store specs: serves files from memory with
 * ETag / Last-Modified and 304s (as the Jupyter server's /files/ handler does), and a few
 * misbehaving routes (slow, truncated, error with a body). Records every request it sees.
 */
import * as http from 'http';
import { AddressInfo } from 'net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface FileServer {
  base: string;
  files: Map<string, Uint8Array>;
  seen: SeenRequest[];
  /** Requests whose connection closed before the response finished (e.g. cancelled). */
  closedEarly: string[];
  /** Drop ETag/Last-Modified headers (a server without validators). */
  noValidators: boolean;
  close(): Promise<void>;
}

let version = 0;
const etags = new WeakMap<Uint8Array, string>();
function etagOf(bytes: Uint8Array): string {
  if (!etags.has(bytes)) etags.set(bytes, `"v${++version}"`);
  return etags.get(bytes) as string;
}

export async function startFileServer(): Promise<FileServer> {
  const files = new Map<string, Uint8Array>();
  const seen: SeenRequest[] = [];
  const closedEarly: string[] = [];
  const state = { noValidators: false };
  const modified = new Date(Date.UTC(2024, 0, 1)).toUTCString();
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    seen.push({ method: req.method ?? 'GET', url, headers: req.headers });
    res.on('close', () => {
      if (!res.writableFinished) closedEarly.push(url);
    });
    // A JupyterHub-style prefix (/user/<name>/) is accepted in front of every route.
    const path = decodeURIComponent(url.split('?')[0]).replace(/^\/user\/[^/]+(?=\/)/, '');
    const [, route, ...rest] = path.split('/');
    const name = rest.join('/');
    if (route === 'files' || route === 'chunked' || route === 'slow') {
      const bytes = files.get(name);
      if (!bytes) {
        res.writeHead(404, { 'Content-Type': 'text/html' });
        res.end(`<html>SECRET-ERROR-PAGE ${'x'.repeat(100000)}</html>`);
        return;
      }
      const etag = etagOf(bytes);
      if (!state.noValidators && req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ETag: etag });
        res.end();
        return;
      }
      const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
      if (!state.noValidators) Object.assign(headers, { ETag: etag, 'Last-Modified': modified });
      if (route !== 'chunked') headers['Content-Length'] = String(bytes.byteLength);
      res.writeHead(200, headers);
      const step = 64 * 1024;
      if (route === 'slow') {
        // One chunk now, the rest after a long pause (a cancel test aborts in between).
        res.write(bytes.subarray(0, step));
        const timer = setTimeout(() => res.end(bytes.subarray(step)), 20000);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      for (let i = 0; i < bytes.byteLength; i += step) res.write(bytes.subarray(i, i + step));
      res.end();
      return;
    }
    if (route === 'truncated') {
      res.writeHead(200, { 'Content-Length': '1000', 'Content-Type': 'application/octet-stream' });
      res.write(new Uint8Array(100));
      setTimeout(() => res.destroy(), 50);
      return;
    }
    if (route === 'huge') {
      res.writeHead(200, { 'Content-Length': String(5 * 1024 ** 3), 'Content-Type': 'application/octet-stream' });
      res.write(new Uint8Array(10));
      return; // the client must give up before reading; closing the server ends this
    }
    res.writeHead(500);
    res.end('unknown route');
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const result: FileServer = {
    base: `http://127.0.0.1:${port}`,
    files,
    seen,
    closedEarly,
    get noValidators() {
      return state.noValidators;
    },
    set noValidators(v: boolean) {
      state.noValidators = v;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
  return result;
}

/** Deterministic pseudo-random bytes (a stand-in for an ONNX file's content). */
export function someBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
