// Model-embedding features: the grid upsampled bilinearly to the pixels. Reference: scipy's
// map_coordinates (order 1, edges clamped) at the same grid coordinates, in float64; our
// float32 values within 1e-6 relative L2. The kernel's seglab.pixel.embedding must give the
// very same float32 values (a classifier applied in Python sees what the browser saw).
import { checkEmbeddingGrid, embeddingBlockFeatures, EmbeddingGrid, varyingChannels } from '../embeddingFeatures';
import { haveReference, runPython } from '../../../viewer/model/__tests__/pythonReference';

const REFERENCE = `
from scipy import ndimage as ndi
from seglab.pixel.embedding import embedding_features
rng = np.random.default_rng(request["seed"])
c, g = request["channels"], 64
grid = rng.normal(0, 1, (c, g, g)).astype(np.float32)
grid[request["constant"]] = 0.25
h, w = request["plane"]
th, tw = request["input"]
gy = np.clip((np.arange(h) + 0.5) * (th / h) / 16 - 0.5, 0, g - 1)
gx = np.clip((np.arange(w) + 0.5) * (tw / w) / 16 - 0.5, 0, g - 1)
yy, xx = np.meshgrid(gy, gx, indexing="ij")
chans = request["use"]
ref = np.stack([ndi.map_coordinates(grid[k].astype(np.float64), [yy, xx], order=1, mode="nearest") for k in chans])
port = embedding_features(grid, (th, tw), (h, w), chans)
sys.stdout.write(json.dumps({}) + "\\n"); sys.stdout.flush()
sys.stdout.buffer.write(grid.tobytes() + ref.astype(np.float32).tobytes() + port.tobytes())
`;

const PLANE: [number, number] = [200, 130];
const INPUT: [number, number] = [1024, 666]; // SAM's longest-side resize of 200 × 130
const CHANNELS = 6;
const USE = [0, 2, 3, 5];

function reference() {
  const { bytes } = runPython(REFERENCE, { seed: 3, channels: CHANNELS, constant: 4, plane: PLANE, input: INPUT, use: USE });
  const all = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const g = CHANNELS * 64 * 64;
  const n = USE.length * PLANE[0] * PLANE[1];
  return { grid: all.slice(0, g), ref: all.subarray(g, g + n), port: all.subarray(g + n, g + 2 * n) };
}

const gridOf = (data: Float32Array): EmbeddingGrid => ({ data, channels: CHANNELS, grid: 64, frame: 1024, inputSize: INPUT, planeShape: PLANE });

(haveReference ? describe : describe.skip)('model-embedding features', () => {
  const { grid, ref, port } = reference();
  const e = gridOf(grid);
  const whole = embeddingBlockFeatures(e, { start: [0, 0], shape: PLANE }, USE);

  it('is bilinear interpolation of the grid at the pixel centres (scipy map_coordinates)', () => {
    let num = 0;
    let den = 0;
    for (let i = 0; i < ref.length; i++) {
      num += (whole[i] - ref[i]) ** 2;
      den += ref[i] ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-6);
  });

  it('gives the kernel (seglab.pixel.embedding) the same float32 values', () => {
    let differ = 0;
    for (let i = 0; i < port.length; i++) if (port[i] !== whole[i]) differ++;
    expect(differ).toBe(0);
  });

  it('gives a block the values the whole plane has there', () => {
    const [y0, x0, bh, bw] = [37, 101, 60, 29];
    const part = embeddingBlockFeatures(e, { start: [y0, x0], shape: [bh, bw] }, USE);
    const [h, w] = PLANE;
    for (let k = 0; k < USE.length; k++) {
      for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) expect(part[k * bh * bw + y * bw + x]).toBe(whole[k * h * w + (y0 + y) * w + x0 + x]);
    }
  });

  it('leaves out channels that are constant over the image', () => {
    expect(varyingChannels(e)).toEqual([0, 1, 2, 3, 5]);
    // Values only in the padding beyond the image's part of the grid do not count.
    const padded = new Float32Array(grid.length);
    padded[4 * 64 * 64 + 10 * 64 + 63] = 1; // channel 4, column 63: past 666 / 16 cells
    padded[1 * 64 * 64 + 63 * 64 + 3] = 1; // channel 1, row 63 (inside: the image spans all rows)
    expect(varyingChannels(gridOf(padded))).toEqual([1]);
  });

  it('refuses a grid of the wrong size, a block outside the plane and unknown channels', () => {
    expect(() => checkEmbeddingGrid({ ...e, data: grid.subarray(1) })).toThrow(/expected 6×64×64 embedding values/);
    expect(() => checkEmbeddingGrid({ ...e, inputSize: [2000, 10] })).toThrow(/inside the 1024² frame/);
    expect(() => embeddingBlockFeatures(e, { start: [190, 0], shape: [20, 10] }, USE)).toThrow(/not inside the 200×130 plane/);
    expect(() => embeddingBlockFeatures(e, { start: [0, 0], shape: [2, 2] }, [6])).toThrow(/channel 6 is not among the 6/);
  });
});
