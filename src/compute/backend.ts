import { simd, threads } from 'wasm-feature-detect';

/**
 * What this browser offers for running models and heavy compute: a WebGPU adapter, and WASM
 * with SIMD and threads. Threads need `crossOriginIsolated` (COOP/COEP headers) because they
 * rely on SharedArrayBuffer.
 */
export interface ComputeBackendInfo {
  webgpu: { available: boolean; adapter: string | null; error: string | null };
  wasm: { available: boolean; simd: boolean; threads: boolean };
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
}

// Just the slice of the WebGPU API we touch; the full typings are a large dependency.
interface GPUAdapterInfoLike {
  vendor?: string;
  architecture?: string;
  description?: string;
}
interface GPUAdapterLike {
  info?: GPUAdapterInfoLike;
}
interface GPULike {
  requestAdapter(): Promise<GPUAdapterLike | null>;
}

async function probeWebGPU(): Promise<ComputeBackendInfo['webgpu']> {
  const gpu = (globalThis.navigator as unknown as { gpu?: GPULike } | undefined)?.gpu;
  if (!gpu) {
    return { available: false, adapter: null, error: 'navigator.gpu is not defined' };
  }
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) {
      return { available: false, adapter: null, error: 'no WebGPU adapter' };
    }
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture, info.description].filter(s => !!s).join(' ');
    return { available: true, adapter: name || 'unknown adapter', error: null };
  } catch (err) {
    return { available: false, adapter: null, error: String(err) };
  }
}

let cached: Promise<ComputeBackendInfo> | null = null;

/** Probes once per page; the answer cannot change without a reload. */
export function probeComputeBackend(): Promise<ComputeBackendInfo> {
  if (!cached) {
    cached = (async () => {
      const wasmAvailable = typeof WebAssembly === 'object';
      const [webgpu, hasSimd, hasThreads] = await Promise.all([
        probeWebGPU(),
        wasmAvailable ? simd() : Promise.resolve(false),
        wasmAvailable ? threads() : Promise.resolve(false)
      ]);
      const isolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
      return {
        webgpu,
        // WASM threads exist as a feature, but can only be used with SharedArrayBuffer.
        wasm: { available: wasmAvailable, simd: hasSimd, threads: hasThreads && isolated },
        crossOriginIsolated: isolated,
        hardwareConcurrency: globalThis.navigator?.hardwareConcurrency ?? 1
      };
    })();
  }
  return cached;
}

/** One line for the status bar, e.g. "WebGPU (google swiftshader) · WASM SIMD, 1 thread · not isolated". */
export function describeBackend(info: ComputeBackendInfo): string {
  const parts: string[] = [];
  parts.push(info.webgpu.available ? `WebGPU (${info.webgpu.adapter})` : 'no WebGPU');
  if (info.wasm.available) {
    const threads = info.wasm.threads ? `${info.hardwareConcurrency} threads` : '1 thread';
    parts.push(`WASM${info.wasm.simd ? ' SIMD' : ''}, ${threads}`);
  } else {
    parts.push('no WASM');
  }
  parts.push(info.crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated');
  return parts.join(' · ');
}
