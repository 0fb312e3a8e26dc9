// The warnings about organs that got no score, case after case: an empty mask is reported for
// each case (it says something about that case's labels). Organs the QS bundle has no class for
// are usually the same in every case of a dataset: a list is given in full for the first case
// it is seen in, and the cases that repeat it are counted in one line at the end. A mask that
// could not be read is reported on its own line, with why.
export function noScoreWarnings(warn: (message: string) => void) {
  // Each list of unknown organs: the first case it was seen in, and how many cases since.
  const unknownLists = new Map<string, { firstCase: string; organs: number; repeats: number }>();
  return {
    add(
      caseId: string,
      organs: readonly { organ: string; reason?: string; warning?: string }[],
    ): void {
      for (const o of organs)
        if (o.reason === 'unreadable') warn(`${caseId}/${o.organ}: no score: ${o.warning}`);
      const invalid = organs.filter((o) => o.reason === 'invalid-input');
      if (invalid.length > 0)
        warn(
          `${caseId}: ${invalid[0]?.warning}: ${invalid.length} organ score(s) marked invalid, not ranked`,
        );
      const empty = organs.filter((o) => o.reason === 'empty-mask').map((o) => o.organ);
      const unknown = organs.filter((o) => o.reason === 'no-class').map((o) => o.organ);
      if (empty.length > 0)
        warn(
          `${caseId}: no mask voxels, no score for ${empty.length} organ(s): ${shortList(empty)}`,
        );
      if (unknown.length === 0) return;
      const key = unknown.join('\n');
      const seen = unknownLists.get(key);
      if (seen !== undefined) {
        seen.repeats++;
        return;
      }
      unknownLists.set(key, { firstCase: caseId, organs: unknown.length, repeats: 0 });
      warn(
        `${caseId}: not in the QS bundle, no score for ${unknown.length} organ(s): ${shortList(unknown)}`,
      );
    },
    // The closing line of each list repeated in later cases.
    finish(): void {
      for (const { firstCase, organs, repeats } of unknownLists.values()) {
        if (repeats > 0)
          warn(
            `${repeats} more case(s): the same ${organs} organ(s) as ${firstCase} not in the QS bundle, no score`,
          );
      }
    },
  };
}

// At most SHOWN names, then how many more (every organ is a row of the scores CSV, its score
// empty), so that a dataset with a hundred unknown classes gives a line, not a page.
const SHOWN = 8;
function shortList(names: readonly string[]): string {
  if (names.length <= SHOWN) return names.join(', ');
  return `${names.slice(0, SHOWN).join(', ')} and ${names.length - SHOWN} more (all in the scores CSV, score empty)`;
}
