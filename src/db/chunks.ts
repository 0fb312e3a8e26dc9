// Splits rows into chunks for multi-row INSERTs: one statement per chunk instead of one per row,
// well under SQLite's limit of 32766 bound values per statement.
export function chunksOf<T>(rows: readonly T[], size = 500): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < rows.length; start += size) {
    chunks.push(rows.slice(start, start + size));
  }
  return chunks;
}
