// A small seeded pseudo-random generator (sfc32), so that everything generated from a seed is
// the same on every machine and Node version. Not for cryptography.

// A stream of deterministic random numbers.
export interface Random {
  // Uniform in [0, 1).
  next(): number;
  // Uniform in [low, high).
  uniform(low: number, high: number): number;
  // Integer uniform in [low, high] (both inclusive).
  int(low: number, high: number): number;
  // Normal with the given mean and standard deviation.
  normal(mean?: number, sd?: number): number;
  // True with the given probability.
  chance(probability: number): boolean;
  // Plus or minus one, equally likely.
  sign(): number;
}

// Mixes any number of non-negative integers (a seed, a case index, an attempt...) into one
// well-scrambled 32-bit seed, so that derived streams are independent of each other.
export function deriveSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const low = part >>> 0;
    const high = Math.floor(part / 0x1_0000_0000) >>> 0;
    h = mix32(h ^ mix32(low + 0x7f4a7c15));
    h = mix32(h ^ mix32(high + 0x2545f491));
  }
  return h >>> 0;
}

function mix32(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

// Creates a generator from a seed (any non-negative integer; large ones are mixed in full).
export function createRandom(seed: number): Random {
  let a = deriveSeed(seed);
  let b = mix32(a ^ 0x85ebca6b);
  let c = mix32(b ^ 0xc2b2ae35);
  let d = 1;
  let spare: number | undefined;

  const nextUint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32();

  const next = (): number => nextUint32() / 0x1_0000_0000;
  return {
    next,
    uniform: (low, high) => low + (high - low) * next(),
    int: (low, high) => low + Math.floor(next() * (high - low + 1)),
    normal(mean = 0, sd = 1) {
      if (spare !== undefined) {
        const value = spare;
        spare = undefined;
        return mean + sd * value;
      }
      // Marsaglia's polar method: two independent normals per accepted point.
      let u: number;
      let w: number;
      let squared: number;
      do {
        u = 2 * next() - 1;
        w = 2 * next() - 1;
        squared = u * u + w * w;
      } while (squared >= 1 || squared === 0);
      const factor = Math.sqrt((-2 * Math.log(squared)) / squared);
      spare = w * factor;
      return mean + sd * u * factor;
    },
    chance: (probability) => next() < probability,
    sign: () => (next() < 0.5 ? -1 : 1),
  };
}
