// SamSession refuses what it cannot run with a message naming SAM's interface: an ONNX model
// that is not a SAM-family encoder/decoder, a truncated file, the two files swapped; and its
// calls check their inputs. Real onnxruntime-web (WASM) and real exported files (vit_t).
import * as ort from 'onnxruntime-web';
import { itWithReference, runReference } from '../../../core/labels/__tests__/pythonReference';
import { SamModelError, SamSession } from '../samSession';
import { exportedModel } from './exportedModel';

ort.env.wasm.numThreads = 1;

const files = () => exportedModel('vit_t');

/** A valid ONNX model that is not SAM: one Conv, input "x", output "y". */
function notSam(): Uint8Array {
  const ref = runReference(`
import onnx
from onnx import helper, TensorProto, numpy_helper
w = numpy_helper.from_array(np.ones((1, 1, 3, 3), np.float32), "w")
node = helper.make_node("Conv", ["x", "w"], ["y"], kernel_shape=[3, 3], strides=[1, 1], dilations=[1, 1], pads=[1, 1, 1, 1])
g = helper.make_graph([node], "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 1, 8, 8])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 1, 8, 8])], [w])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)  # what onnxruntime-web 1.30 reads
emit("bytes", np.frombuffer(m.SerializeToString(), np.uint8))`);
  return ref.bytes.data as Uint8Array;
}

describe('SamSession: what it refuses', () => {
  itWithReference('an ONNX model that is not SAM, a truncated file and swapped files, each with a clear message', async () => {
    const good = files();
    const conv = notSam();
    await expect(SamSession.create(ort, { encoder: conv, decoder: good.decoder })).rejects.toThrow(
      /^not a SAM-family encoder: expected inputs image and outputs image_embeddings; this file has inputs x and outputs y$/
    );
    await expect(SamSession.create(ort, { encoder: good.encoder, decoder: conv })).rejects.toThrow(
      /not a SAM-family decoder: expected inputs image_embeddings, point_coords, point_labels, mask_input, has_mask_input and outputs iou_predictions, low_res_masks/
    );
    await expect(SamSession.create(ort, { encoder: good.encoder.subarray(0, 1000), decoder: good.decoder })).rejects.toThrow(
      /^could not load the encoder \(1000 bytes\) as an ONNX model: /
    );
    const swapped = SamSession.create(ort, { encoder: good.decoder, decoder: good.encoder });
    await expect(swapped).rejects.toBeInstanceOf(SamModelError);
    await expect(swapped).rejects.toThrow(/not a SAM-family encoder: expected inputs image .*this file has inputs image_embeddings, point_coords/);
  }, 120000);

  itWithReference('checks the shapes it is given before running', async () => {
    const session = await SamSession.create(ort, files());
    try {
      await expect(session.encode(new Float32Array(10))).rejects.toThrow(/expected a \(1, 3, 1024, 1024\) input, got 10 values/);
      const embeddings = new Float32Array(256 * 64 * 64);
      await expect(session.decode(embeddings, new Float32Array(3), Float32Array.of(1, -1))).rejects.toThrow(/expected 2 coordinates per label, got 3 for 2/);
      await expect(session.decode(embeddings, new Float32Array(4), Float32Array.of(1, -1), new Float32Array(5))).rejects.toThrow(/expected a 256² mask input, got 5 values/);
      const out = await session.decode(embeddings, Float32Array.of(10, 10, 0, 0), Float32Array.of(1, -1));
      expect([out.lowRes.length, out.iou.length]).toEqual([4 * 256 * 256, 4]);
    } finally {
      await session.dispose();
    }
  }, 120000);
});
