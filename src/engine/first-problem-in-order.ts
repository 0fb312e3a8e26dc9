// Checks items with at most `limit` checks in flight, started in the items' order; once one
// finds a problem (or throws), no new check starts. Returns the problem of the earliest item
// that has one: every item before it was started and every started check is awaited, so it is
// the problem a one-by-one pass would have reported. A check that throws rejects the whole.
export async function firstProblemInOrder<T, P>(
  items: readonly T[],
  limit: number,
  check: (item: T) => Promise<P | undefined>,
): Promise<P | undefined> {
  const problems = new Map<number, P>();
  let next = 0;
  let stop = false;
  const worker = async () => {
    while (!stop && next < items.length) {
      const index = next++;
      try {
        const problem = await check(items[index] as T);
        if (problem === undefined) continue;
        problems.set(index, problem);
      } catch (error) {
        stop = true;
        throw error;
      }
      stop = true;
    }
  };
  const workers = Array.from({ length: Math.min(limit, items.length) }, worker);
  const ends = await Promise.allSettled(workers);
  const thrown = ends.find((e) => e.status === 'rejected');
  if (thrown) throw thrown.reason;
  return problems.get(Math.min(...problems.keys()));
}
