/**
 * A SAM-family model (the encoder and decoder ONNX files `python -m seglab.models export`
 * writes) on onnxruntime-web: checked for SAM's interface when it loads, then `encode` (the
 * prepared 1024² image to its embeddings) and `decode` (a prompt to the four low-resolution
 * mask logits and their predicted IoU). Pre- and post-processing are src/core/sam's; this only
 * runs the two graphs. `ort` is injected, so a Web Worker, the page and Node share the code.
 */

import type * as Ort from 'onnxruntime-web';
import { SAM_INPUT_SIZE, SAM_LOW_RES } from '../../core/sam/transforms';

export type OrtModule = typeof Ort;

/** The interface SegLab's SAM ONNX files have (PROTOCOL of seglab.models; see its README). */
export const ENCODER_INTERFACE = { inputs: ['image'], outputs: ['image_embeddings'] } as const;
export const DECODER_INTERFACE = {
  inputs: ['image_embeddings', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input'],
  outputs: ['iou_predictions', 'low_res_masks']
} as const;
const EMBEDDING_SHAPE = [1, 256, 64, 64];
const EMBEDDING_SIZE = 256 * 64 * 64;

/** A model file that is not what SegLab can run (wrong interface, corrupt bytes). */
export class SamModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SamModelError';
  }
}

function checkInterface(session: Ort.InferenceSession, expected: { inputs: readonly string[]; outputs: readonly string[] }, what: string): void {
  const missingIn = expected.inputs.filter(n => !session.inputNames.includes(n));
  const missingOut = expected.outputs.filter(n => !session.outputNames.includes(n));
  if (missingIn.length || missingOut.length) {
    throw new SamModelError(
      `not a SAM-family ${what}: expected inputs ${expected.inputs.join(', ')} and outputs ${expected.outputs.join(', ')}; ` +
        `this file has inputs ${session.inputNames.join(', ') || '(none)'} and outputs ${session.outputNames.join(', ') || '(none)'}`
    );
  }
}

async function open(ort: OrtModule, bytes: Uint8Array, what: string, providers: string[]): Promise<Ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, { executionProviders: providers, graphOptimizationLevel: 'all' });
  } catch (err) {
    throw new SamModelError(`could not load the ${what} (${bytes.byteLength} bytes) as an ONNX model: ${(err as Error).message ?? err}`);
  }
}

export interface DecoderOutput {
  /** (4, 256, 256) logits: the single-mask output, then the three multimask outputs. */
  lowRes: Float32Array;
  /** The decoder's IoU prediction for each of the four. */
  iou: Float32Array;
}

export class SamSession {
  private constructor(
    private readonly ort: OrtModule,
    private readonly encoder: Ort.InferenceSession,
    private readonly decoder: Ort.InferenceSession,
    /** The execution providers asked for, in order of preference. */
    readonly providers: readonly string[]
  ) {}

  /** Loads both files (checked for SAM's interface); `providers` e.g. ['webgpu', 'wasm'] or ['wasm']. */
  static async create(ort: OrtModule, files: { encoder: Uint8Array; decoder: Uint8Array }, providers: string[] = ['wasm']): Promise<SamSession> {
    const encoder = await open(ort, files.encoder, 'encoder', providers);
    try {
      checkInterface(encoder, ENCODER_INTERFACE, 'encoder');
      const decoder = await open(ort, files.decoder, 'decoder', providers);
      try {
        checkInterface(decoder, DECODER_INTERFACE, 'decoder');
      } catch (err) {
        await decoder.release();
        throw err;
      }
      return new SamSession(ort, encoder, decoder, providers);
    } catch (err) {
      await encoder.release();
      throw err;
    }
  }

  /** The image embeddings (1, 256, 64, 64) of a prepared (1, 3, 1024, 1024) input. */
  async encode(tensor: Float32Array): Promise<Float32Array> {
    if (tensor.length !== 3 * SAM_INPUT_SIZE * SAM_INPUT_SIZE) {
      throw new RangeError(`expected a (1, 3, ${SAM_INPUT_SIZE}, ${SAM_INPUT_SIZE}) input, got ${tensor.length} values`);
    }
    const image = new this.ort.Tensor('float32', tensor, [1, 3, SAM_INPUT_SIZE, SAM_INPUT_SIZE]);
    const out = await this.encoder.run({ image });
    const embeddings = out.image_embeddings;
    if (embeddings.data.length !== EMBEDDING_SIZE) {
      throw new SamModelError(`the encoder returned embeddings of shape (${embeddings.dims.join(', ')}); expected (${EMBEDDING_SHAPE.join(', ')})`);
    }
    return embeddings.data as Float32Array;
  }

  /**
   * The decoder on `embeddings` for a prompt (coordinates in the 1024 frame and labels, as
   * `promptArrays` builds them) and, optionally, the previous mask's low-resolution logits
   * (256², refinement).
   */
  async decode(embeddings: Float32Array, coords: Float32Array, labels: Float32Array, maskInput?: Float32Array): Promise<DecoderOutput> {
    const n = labels.length;
    if (coords.length !== n * 2 || n === 0) throw new RangeError(`expected 2 coordinates per label, got ${coords.length} for ${n}`);
    if (maskInput && maskInput.length !== SAM_LOW_RES * SAM_LOW_RES) throw new RangeError(`expected a ${SAM_LOW_RES}² mask input, got ${maskInput.length} values`);
    const T = this.ort.Tensor;
    const feeds: Record<string, Ort.Tensor> = {
      image_embeddings: new T('float32', embeddings, EMBEDDING_SHAPE),
      point_coords: new T('float32', coords, [1, n, 2]),
      point_labels: new T('float32', labels, [1, n]),
      mask_input: new T('float32', maskInput ?? new Float32Array(SAM_LOW_RES * SAM_LOW_RES), [1, 1, SAM_LOW_RES, SAM_LOW_RES]),
      has_mask_input: new T('float32', Float32Array.of(maskInput ? 1 : 0), [1])
    };
    if (this.decoder.inputNames.includes('orig_im_size')) {
      feeds.orig_im_size = new T('float32', Float32Array.of(SAM_INPUT_SIZE, SAM_INPUT_SIZE), [2]);
    }
    const out = await this.decoder.run(feeds, ['iou_predictions', 'low_res_masks']);
    return { lowRes: out.low_res_masks.data as Float32Array, iou: out.iou_predictions.data as Float32Array };
  }

  async dispose(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}
