// The embedding cache's logic: keys, the byte-bounded LRU, shared computations, and the
// persistent tier (bound, least-recently-used eviction, promotion, torn records) over the
// in-memory storage the browser's IndexedDB storage stands in for in Node.
import { EmbeddingCache, embeddingKey, type CachedEmbedding } from '../embeddingCache';
import { MemoryEmbeddingStorage, PersistentTier } from '../persistentStore';

const MiB = 1024 * 1024;
const SAM_FLOATS = 256 * 64 * 64;

function embedding(fill: number, floats = SAM_FLOATS): CachedEmbedding {
  return { features: new Float32Array(floats).fill(fill), inputSize: [1024, 957], originalSize: [61, 57] };
}

const base = { modelId: 'vit_t-random-seed0', imageHash: '0123456789abcdef', dtype: 'uint16', shape: [512, 512], inputSize: 1024 };

describe('embeddingKey', () => {
  it('changes with every part that determines the embedding', () => {
    const k = embeddingKey(base);
    expect(k).toBe('v1|vit_t-random-seed0|uint16|512x512|0123456789abcdef|full|1024');
    const variants = [
      { ...base, modelId: 'vit_b' },
      { ...base, imageHash: 'fedcba9876543210' },
      { ...base, dtype: 'float32' },
      { ...base, shape: [256, 1024] },
      { ...base, tileBox: [0, 0, 256, 256] as const },
      { ...base, inputSize: 512 }
    ].map(embeddingKey);
    expect(new Set([k, ...variants]).size).toBe(7);
  });
});

describe('EmbeddingCache (memory tier)', () => {
  it('is bounded by bytes and evicts the least recently used', async () => {
    const cache = new EmbeddingCache({ maxBytes: 12 * MiB }); // three SAM embeddings
    for (const k of ['a', 'b', 'c']) await cache.put(k, embedding(k.charCodeAt(0)));
    expect(cache.stats.bytes).toBe(12 * MiB);
    expect(await cache.get('a')).toBeDefined(); // a is now the most recent
    await cache.put('d', embedding(1));
    expect(cache.peek('b')).toBeUndefined();
    expect(cache.peek('a')!.features[0]).toBe('a'.charCodeAt(0));
    expect(cache.stats).toMatchObject({ entries: 3, bytes: 12 * MiB, evictions: 1, hits: 1 });
    await cache.put('huge', embedding(0, 4 * SAM_FLOATS)); // larger than the tier: not kept
    expect(cache.peek('huge')).toBeUndefined();
    expect(cache.stats.entries).toBe(3);
  });

  it('shares one computation between concurrent requests for a key', async () => {
    const cache = new EmbeddingCache();
    let calls = 0;
    const compute = async () => {
      calls++;
      await new Promise(r => setTimeout(r, 10));
      return embedding(7);
    };
    const [x, y] = await Promise.all([cache.getOrCompute('k', compute), cache.getOrCompute('k', compute)]);
    expect(calls).toBe(1);
    expect(x).toBe(y);
    await cache.getOrCompute('k', compute);
    expect(calls).toBe(1);
    expect(cache.stats.misses).toBe(1);
    expect(cache.stats.hits).toBe(1);
  });
});

describe('PersistentTier', () => {
  it('keeps at most maxBytes, evicting the least recently used first, and promotes hits to memory', async () => {
    let clock = 0;
    const storage = new MemoryEmbeddingStorage();
    const tier = new PersistentTier(storage, { maxBytes: 8 * MiB, now: () => ++clock });
    await tier.put('a', embedding(1));
    await tier.put('b', embedding(2));
    expect(await tier.get('a')).toBeDefined(); // a used after b
    await tier.put('c', embedding(3));
    expect((await tier.keys()).sort()).toEqual(['a', 'c']);
    expect(await tier.bytes()).toBe(8 * MiB);

    // A new tab (new tier over the same storage) sees the same entries.
    const again = new PersistentTier(storage, { maxBytes: 8 * MiB, now: () => ++clock });
    const cache = new EmbeddingCache({ maxBytes: 4 * MiB, persistent: again });
    const got = await cache.get('c');
    expect(got!.features[0]).toBe(3);
    expect(got!.originalSize).toEqual([61, 57]);
    expect(cache.stats.persistentHits).toBe(1);
    expect(cache.peek('c')).toBe(got);
    expect(await cache.get('b')).toBeUndefined();
  });

  it('drops a torn record instead of returning it', async () => {
    const storage = new MemoryEmbeddingStorage();
    const tier = new PersistentTier(storage);
    await tier.put('a', embedding(1));
    storage.data.set('a', new ArrayBuffer(16));
    expect(await tier.get('a')).toBeUndefined();
    expect(storage.meta.has('a')).toBe(false);
  });

  it('write-through: put stores in both tiers', async () => {
    const storage = new MemoryEmbeddingStorage();
    const cache = new EmbeddingCache({ persistent: new PersistentTier(storage) });
    await cache.put('k', embedding(5));
    expect(storage.meta.get('k')!.bytes).toBe(4 * MiB);
    expect(new Float32Array(storage.data.get('k')!)[0]).toBe(5);
  });
});
