import { createSeededRandom } from './seededRandom';

describe('seededRandom', () => {
  it('repeats itself for the same seed and differs for another', () => {
    const a = createSeededRandom(7);
    const b = createSeededRandom(7);
    const c = createSeededRandom(8);
    const draws = (r: ReturnType<typeof createSeededRandom>) => Array.from({ length: 5 }, () => r.next());
    const first = draws(a);
    expect(draws(b)).toEqual(first);
    expect(draws(c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('skews indexes toward the front but reaches the back', () => {
    const random = createSeededRandom(1);
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 20_000; i++) counts[random.skewedIndex(100)]! += 1;
    expect(counts[0]!).toBeGreaterThan(counts[50]! * 10);
    expect(counts.slice(90).some((c) => c > 0)).toBe(true);
  });

  it('draws keys in proportion to their weights and never a zero-weight key', () => {
    const random = createSeededRandom(3);
    const counts = { a: 0, b: 0, never: 0 };
    for (let i = 0; i < 10_000; i++) counts[random.weighted({ a: 3, b: 1, never: 0 })!] += 1;
    expect(counts.never).toBe(0);
    expect(counts.a / counts.b).toBeGreaterThan(2.5);
    expect(counts.a / counts.b).toBeLessThan(3.5);
    expect(random.weighted({ a: 0 })).toBeUndefined();
  });

  it('makes Pareto sizes mostly small with a long tail', () => {
    const random = createSeededRandom(5);
    const sizes = Array.from({ length: 5_000 }, () => random.pareto(3, 1.2));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(3);
    expect(sizes.filter((s) => s <= 10).length / sizes.length).toBeGreaterThan(0.7);
    expect(Math.max(...sizes)).toBeGreaterThan(50);
  });
});
