// The sub-populations of the phantom datasets, as a multi-centre CT dataset (TotalSegmentator,
// AbdomenAtlas) has them: the common portal-venous abdomen, other contrast phases, other
// fields of view, pathology, and low-dose scans. docs/demo-dataset.md is their card.

export const CASE_GROUPS = [
  'portal-venous',
  'arterial',
  'non-contrast',
  'delayed',
  'shifted-fov',
  'pathology',
  'low-dose',
] as const;
export type CaseGroup = (typeof CASE_GROUPS)[number];

// The common case every other group departs from.
export const TYPICAL_GROUP: CaseGroup = 'portal-venous';

// One line per group: what it is, for the dataset card, reports and `sentinel demo-data`.
export const GROUP_DESCRIPTIONS: Record<CaseGroup, string> = {
  'portal-venous': 'abdomen in the portal-venous phase, routine dose: the common case',
  arterial:
    'late arterial phase: bright aorta, strong cortico-medullary kidney contrast, bright pancreas, mottled spleen, unenhanced IVC',
  'non-contrast':
    'no contrast: vessels, kidneys and pancreas near soft tissue, liver brighter than spleen',
  delayed:
    'delayed (excretory) phase: washed-out vessels and parenchyma, bright contrast in the renal calyces',
  'shifted-fov':
    'another field of view: chest-abdomen (organs low in the scan) or abdomen-pelvis (organs high)',
  pathology: 'severely fatty liver (-25..5 HU) with focal lesions, and an enlarged spleen',
  'low-dose': 'low-dose scan: image noise 35-55 HU instead of 5-25',
};

// How many cases of each group a split of `count` cases holds for a mix of fractions: the
// largest-remainder rounding of count x fraction, ties to the earlier group, so that the
// counts add up to `count` and depend on nothing else.
export function groupCounts(
  mix: Partial<Record<CaseGroup, number>>,
  count: number,
): Map<CaseGroup, number> {
  const entries = CASE_GROUPS.map((g) => [g, mix[g] ?? 0] as const).filter(([, f]) => f > 0);
  const total = entries.reduce((sum, [, f]) => sum + f, 0);
  const exact = entries.map(([g, f]) => [g, (count * f) / total] as const);
  const counts = new Map(exact.map(([g, x]) => [g, Math.floor(x)]));
  let left = count - [...counts.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...exact].sort(
    (a, b) => b[1] - Math.floor(b[1]) - (a[1] - Math.floor(a[1])),
  );
  for (const [g] of byRemainder) {
    if (left <= 0) break;
    counts.set(g, (counts.get(g) ?? 0) + 1);
    left--;
  }
  return counts;
}
