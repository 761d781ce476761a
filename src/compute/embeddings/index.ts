export { contentHash } from './contentHash';
export { EmbeddingCache, embeddingKey, EMBEDDING_KEY_VERSION } from './embeddingCache';
export type { CachedEmbedding, CacheStats, EmbeddingCacheOptions, EmbeddingKeyParts } from './embeddingCache';
export { IndexedDBEmbeddingStorage, MemoryEmbeddingStorage, PersistentTier } from './persistentStore';
export type { EmbeddingStorage, PersistentTierOptions, StoredMeta } from './persistentStore';
