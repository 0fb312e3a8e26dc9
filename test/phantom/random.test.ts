import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRandom, deriveSeed } from '../../src/phantom/random.js';

const draw = (seed: number, n = 8) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

test('the same seed gives the same stream, other seeds other streams', () => {
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
  assert.notDeepEqual(draw(0), draw(2 ** 32), 'seeds past 32 bits are mixed in full');
});

test('derived seeds differ for every part and order', () => {
  const seeds = new Set<number>();
  for (let seed = 0; seed < 20; seed++)
    for (let index = 0; index < 50; index++) seeds.add(deriveSeed(seed, index));
  assert.equal(seeds.size, 1000);
  assert.notEqual(deriveSeed(1, 2), deriveSeed(2, 1));
  assert.equal(deriveSeed(3, 4, 5), deriveSeed(3, 4, 5));
});

test('uniform, int, normal and chance have the right ranges and moments', () => {
  const random = createRandom(42);
  const n = 20000;
  let sum = 0;
  let sumSquares = 0;
  let heads = 0;
  for (let i = 0; i < n; i++) {
    const u = random.uniform(-2, 3);
    assert.ok(u >= -2 && u < 3);
    const k = random.int(1, 6);
    assert.ok(Number.isInteger(k) && k >= 1 && k <= 6);
    const g = random.normal(10, 2);
    sum += g;
    sumSquares += g * g;
    if (random.chance(0.25)) heads += 1;
  }
  const mean = sum / n;
  const sd = Math.sqrt(sumSquares / n - mean * mean);
  assert.ok(Math.abs(mean - 10) < 0.1, `normal mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.1, `normal sd ${sd}`);
  assert.ok(Math.abs(heads / n - 0.25) < 0.02, `chance ${heads / n}`);
});
