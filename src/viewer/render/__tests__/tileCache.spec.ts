// Covers src/viewer/render/tileCache.ts: LRU order, the byte bound, and that tiles of the
// frame being drawn are never evicted by it.
import { LruTileCache } from '../tileCache';

describe('LruTileCache', () => {
  it('evicts the least recently used entries down to the budget, releasing each once', () => {
    const released: string[] = [];
    const cache = new LruTileCache<string>(300, v => released.push(v));
    cache.beginFrame();
    cache.add('a', 'A', 100);
    cache.add('b', 'B', 100);
    cache.add('c', 'C', 100);
    cache.beginFrame();
    expect(cache.use('a')).toBe('A'); // a is now the most recent
    cache.add('d', 'D', 100);
    expect(released).toEqual(['B']);
    expect(cache.bytes).toBe(300);
    expect([cache.has('a'), cache.has('b'), cache.has('c'), cache.has('d')]).toEqual([true, false, true, true]);
  });

  it('never evicts what the current frame uses, and catches up on the next frame', () => {
    const released: number[] = [];
    const cache = new LruTileCache<number>(250, v => released.push(v));
    cache.beginFrame();
    for (let i = 0; i < 5; i++) cache.add(`t${i}`, i, 100);
    expect(released).toEqual([]); // all five on screen: over budget for now
    expect(cache.bytes).toBe(500);
    cache.beginFrame();
    cache.use('t4');
    cache.add('t5', 5, 100);
    expect(released).toEqual([0, 1, 2, 3]);
    expect(cache.bytes).toBe(200);
  });

  it('drops entries by key prefix and on a smaller budget', () => {
    const released: string[] = [];
    const cache = new LruTileCache<string>(1000, v => released.push(v));
    cache.add('L1#0|x', 'x', 10);
    cache.add('L2#0|y', 'y', 10);
    cache.add('L1#0|z', 'z', 10);
    cache.deletePrefix('L1#');
    expect(released.sort()).toEqual(['x', 'z']);
    cache.beginFrame();
    cache.setBudget(0);
    expect(cache.size).toBe(0);
    expect(cache.bytes).toBe(0);
  });
});
