/** A small seeded PRNG (mulberry32), so a workload run can be repeated with --seed. */
export interface SeededRandom {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T | undefined;
  /**
   * An index in [0, n) where low indexes are much more likely (Zipf-like, exponent s): a few
   * users and channels carry most of the traffic, as in real chat systems.
   */
  skewedIndex(n: number, s?: number): number;
  /** Group sizes: mostly small, sometimes large (Pareto with shape alpha, at least `min`). */
  pareto(min: number, alpha: number): number;
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K | undefined;
}

export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: SeededRandom = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => (items.length === 0 ? undefined : items[Math.floor(next() * items.length)]),
    skewedIndex: (n, s = 1.1) => {
      // Inverse-CDF of a continuous power law over [1, n + 1), floored: cheap and close to Zipf.
      if (n <= 1) return 0;
      const u = next();
      const x = s === 1 ? Math.exp(u * Math.log(n + 1)) : (1 + u * ((n + 1) ** (1 - s) - 1)) ** (1 / (1 - s));
      return Math.min(n - 1, Math.max(0, Math.floor(x) - 1));
    },
    pareto: (min, alpha) => Math.floor(min / (1 - next()) ** (1 / alpha)),
    weighted: (weights) => {
      const entries = Object.entries(weights) as [keyof typeof weights, number][];
      const total = entries.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
      if (total <= 0) return undefined;
      let r = next() * total;
      for (const [key, w] of entries) {
        r -= Math.max(0, w);
        if (r < 0) return key;
      }
      return entries[entries.length - 1]?.[0];
    },
  };
  return random;
}
