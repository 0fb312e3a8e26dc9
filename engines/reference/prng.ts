// A small seeded pseudo-random generator (xoshiro128**), so that the same seed gives the same
// model and the same outputs on every machine. Math.random is never used by the engine.
export interface Rng {
  // A uniform float in [0, 1).
  next(): number;
  // A uniform integer in [0, n).
  int(n: number): number;
  // A standard normal draw (Box-Muller).
  normal(): number;
  // Fills `out` with next() draws, in order (the same values as calling next() that many
  // times), in a tight loop: several times faster for millions of draws.
  fill(out: Float64Array): void;
}

// Creates a generator from a seed and an optional stream number (e.g. an MC sample index), so
// that independent uses of one seed draw independent sequences.
export function createRng(seed: number, stream = 0): Rng {
  let x = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  const splitmix = (): number => {
    x = (x + 0x9e3779b9) >>> 0;
    let z = x;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  // Mix the stream in before drawing the state, then warm up.
  x = (x ^ Math.imul(Math.floor(stream) + 1, 0x27d4eb2d)) >>> 0;
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  if ((a | b | c | d) === 0) a = 1;
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  for (let i = 0; i < 8; i++) nextU32();
  const next = (): number => nextU32() / 4294967296;
  const fill = (out: Float64Array): void => {
    // nextU32 with the state in locals.
    let [sa, sb, sc, sd] = [a, b, c, d];
    for (let i = 0; i < out.length; i++) {
      const m = Math.imul(sb, 5);
      const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
      const t = sb << 9;
      sc ^= sa;
      sd ^= sb;
      sb ^= sc;
      sa ^= sd;
      sc ^= t;
      sd = (sd << 11) | (sd >>> 21);
      out[i] = result / 4294967296;
    }
    [a, b, c, d] = [sa, sb, sc, sd];
  };
  return {
    next,
    fill,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

function rotl(value: number, shift: number): number {
  return ((value << shift) | (value >>> (32 - shift))) >>> 0;
}
