// seglab-hash64 in TypeScript = seglab.embeddings.content_hash (numpy) on real images, odd byte
// lengths and unaligned views; and how fast each is (printed: MB/s of both, same machine, same run).
import { itWithReference, runReference } from '../../../core/labels/__tests__/pythonReference';
import { contentHash } from '../contentHash';

const REFERENCE = `
import sys, time, tifffile
sys.path.insert(0, os.path.join(os.getcwd(), "python-kernel-bridge"))
from seglab.embeddings import content_hash
img2 = tifffile.imread(os.path.join(DATA, "nuclei2d", "image.tif"))
img3 = tifffile.imread(os.path.join(DATA, "nuclei3d", "image.tif"))
rgb = tifffile.imread(os.path.join(DATA, "misc", "hela_cells_rgb.tif"))
rng = np.random.default_rng(0)
odd = rng.integers(0, 256, 1027, dtype=np.uint8)
big = rng.integers(0, 2**16, (4096, 4096), dtype=np.uint16)  # 32 MiB
t = time.perf_counter(); h_big = content_hash(big); dt = time.perf_counter() - t
hashes = [content_hash(img2), content_hash(img3), content_hash(img3[15]), content_hash(rgb), content_hash(odd),
          content_hash(odd[:1025]), content_hash(odd[:3]), content_hash(b""), content_hash(odd[1:1026]), h_big]
emit("img2", img2); emit("img3", img3); emit("rgb", rgb); emit("odd", odd); emit("big", big)
emit("hashes", np.frombuffer("".join(hashes).encode(), np.uint8))
emit("numpy_mb_s", np.array([big.nbytes / dt / 1e6]))
`;

describe('seglab-hash64', () => {
  itWithReference(
    'TypeScript and Python agree on real images, tails and unaligned views; throughput',
    () => {
      const ref = runReference(REFERENCE);
      const text = Buffer.from(ref.hashes.data as Uint8Array).toString();
      const py = Array.from({ length: text.length / 16 }, (_, i) => text.slice(i * 16, i * 16 + 16));
      const img3 = ref.img3.data as Uint16Array;
      const plane = 61 * 57;
      const odd = ref.odd.data as Uint8Array;
      const big = ref.big.data as Uint16Array;
      const t0 = performance.now();
      const hBig = contentHash(big);
      const tsMBs = big.byteLength / ((performance.now() - t0) / 1000) / 1e6;
      const ours = [
        contentHash(ref.img2.data),
        contentHash(img3),
        contentHash(img3.subarray(15 * plane, 16 * plane)),
        contentHash(ref.rgb.data),
        contentHash(odd),
        contentHash(odd.subarray(0, 1025)),
        contentHash(odd.subarray(0, 3)),
        contentHash(new Uint8Array(0)),
        contentHash(odd.subarray(1, 1026)), // unaligned start: the DataView path
        hBig
      ];
      console.log(`seglab-hash64 throughput: TypeScript ${tsMBs.toFixed(0)} MB/s, numpy ${(ref.numpy_mb_s.data as Float64Array)[0].toFixed(0)} MB/s (32 MiB uint16)`);
      expect(ours).toEqual(py);
      expect(new Set(ours).size).toBe(ours.length);
      // One changed pixel changes the hash.
      const copy = (ref.img2.data as Uint16Array).slice();
      copy[12345] ^= 1;
      expect(contentHash(copy)).not.toBe(ours[0]);
    },
    120000
  );
});
