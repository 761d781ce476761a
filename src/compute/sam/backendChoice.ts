/**
 * Which onnxruntime-web backend a SAM runtime uses, as pure functions of what the browser
 * offers (so they are tested without one), the probe that asks the browser, and the label the
 * viewer shows for the active backend.
 *
 * WebGPU when a hardware adapter exists and the caller did not opt out; a software adapter
 * (SwiftShader, llvmpipe: the browser's fallback adapter, emulating a GPU on the CPU) only when
 * asked for (`preferWebGPU: true`), since WASM SIMD runs the same models several times faster
 * on the same CPU. Otherwise WASM (SIMD always, as
 * onnxruntime-web 1.30 ships only SIMD builds), multi-threaded only when the page is
 * cross-origin isolated (threads need SharedArrayBuffer), with min(hardwareConcurrency, 4)
 * threads unless told: more than 4 gains little on SAM's encoder and starves the page.
 */
import type { Provider, RuntimeOptions, SamBackendInfo } from './workerProtocol';

export interface BackendEnvironment {
  /** The WebGPU adapter's name, or null when `navigator.gpu.requestAdapter()` gave none. */
  adapter: string | null;
  /** Why there is no adapter (for the notice), when there is none. */
  adapterError?: string;
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** The adapter emulates a GPU in software (WebGPU's `isFallbackAdapter`, or SwiftShader/llvmpipe by name). */
  software?: boolean;
}

export interface BackendPlan {
  provider: Provider;
  /**
   * onnxruntime-web's executionProviders. WebGPU alone, not ['webgpu', 'wasm']: given both,
   * onnxruntime-web quietly skips a WebGPU backend that fails to initialise and we would report
   * WebGPU while running on WASM; ops the WebGPU provider lacks still run on ORT's CPU kernels.
   */
  executionProviders: string[];
  threads: number;
  adapter?: string;
}

export const DEFAULT_MAX_THREADS = 4;

export function wasmThreads(env: BackendEnvironment, options: RuntimeOptions = {}): number {
  if (!env.crossOriginIsolated) return 1;
  const wanted = options.threads ?? Math.min(Math.max(1, env.hardwareConcurrency || 1), DEFAULT_MAX_THREADS);
  return Math.max(1, Math.floor(wanted));
}

/** The first backend to try. */
export function planBackend(env: BackendEnvironment, options: RuntimeOptions = {}): BackendPlan {
  const threads = wasmThreads(env, options);
  const wanted = options.preferWebGPU === true || (options.preferWebGPU !== false && !env.software);
  if (wanted && env.adapter) {
    return { provider: 'webgpu', executionProviders: ['webgpu'], threads, adapter: env.adapter };
  }
  return { provider: 'wasm', executionProviders: ['wasm'], threads };
}

/** The backend after `failed` could not load or run the model: WASM, or nothing when WASM failed. */
export function fallbackPlan(failed: BackendPlan): BackendPlan | null {
  return failed.provider === 'wasm' ? null : { provider: 'wasm', executionProviders: ['wasm'], threads: failed.threads };
}

export function backendInfo(plan: BackendPlan, env: BackendEnvironment, notice?: string): SamBackendInfo {
  const info: SamBackendInfo = { provider: plan.provider, threads: plan.threads, crossOriginIsolated: env.crossOriginIsolated };
  if (plan.adapter) info.adapter = plan.adapter;
  if (notice) info.notice = notice;
  return info;
}

/** The notice for a WebGPU backend that failed and WASM took over. */
export function fallbackNotice(when: 'loading' | 'running', err: unknown): string {
  const why = err instanceof Error ? err.message : String(err);
  return `WebGPU failed while ${when} the model (${why.split('\n')[0].slice(0, 300)}); running on WASM instead`;
}

/** Adapters that are CPU emulations of a GPU, by name (older browsers lack isFallbackAdapter). */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software/i;

// Just the slice of the WebGPU API the probe touches.
interface GPULike {
  requestAdapter(): Promise<{ isFallbackAdapter?: boolean; info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean } } | null>;
}

/** What this browser (page or worker) offers; never throws. */
export async function probeEnvironment(): Promise<BackendEnvironment> {
  const nav = (globalThis as { navigator?: { gpu?: GPULike; hardwareConcurrency?: number } }).navigator;
  const crossOriginIsolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
  const hardwareConcurrency = nav?.hardwareConcurrency ?? 1;
  if (!nav?.gpu) return { adapter: null, adapterError: 'navigator.gpu is not defined', crossOriginIsolated, hardwareConcurrency };
  try {
    const adapter = await nav.gpu.requestAdapter();
    if (!adapter) return { adapter: null, adapterError: 'no WebGPU adapter', crossOriginIsolated, hardwareConcurrency };
    const info = adapter.info ?? {};
    const name = [info.vendor, info.architecture].filter(s => !!s).join(' ') || info.description || 'unknown adapter';
    const software = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter) || SOFTWARE_ADAPTER.test(`${name} ${info.description ?? ''}`);
    return { adapter: name, crossOriginIsolated, hardwareConcurrency, software };
  } catch (err) {
    return { adapter: null, adapterError: String(err), crossOriginIsolated, hardwareConcurrency };
  }
}

/**
 * The status label for the active backend: "WebGPU (google swiftshader)", "WASM, 4 threads",
 * "WASM, 1 thread (not cross-origin isolated)"; " – fallback" marks a backend that replaced the
 * one asked for (the notice, for a tooltip, says why: see `backendTooltip`).
 */
export function formatBackendInfo(info: SamBackendInfo): string {
  let label: string;
  if (info.provider === 'webgpu') {
    label = info.adapter ? `WebGPU (${info.adapter})` : 'WebGPU';
  } else {
    label = `WASM, ${info.threads} thread${info.threads === 1 ? '' : 's'}`;
    if (!info.crossOriginIsolated) label += ' (not cross-origin isolated)';
  }
  return info.notice ? `${label} – fallback` : label;
}

/** A longer description for a tooltip: the label, then the notice when there is one. */
export function backendTooltip(info: SamBackendInfo): string {
  const lines = [`SAM runs on ${formatBackendInfo(info).replace(/ – fallback$/, '')}`];
  if (info.provider === 'wasm' && !info.crossOriginIsolated) {
    lines.push('Multi-threaded WASM needs cross-origin isolation: see SegLab\'s README ("Cross-origin isolation").');
  }
  if (info.notice) lines.push(info.notice);
  return lines.join('\n');
}
