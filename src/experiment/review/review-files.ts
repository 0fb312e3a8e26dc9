import { join } from 'node:path';
import type { ClassMap } from '../../volume/class-map.js';

// The names of a review round's files, the one place that knows them: the importer reads back
// what the writer wrote. `<case>_image` and `<case>_seg` follow the convention 3D Slicer and
// ITK-SNAP users know (a file name with "seg" is offered as a segmentation / label map).

export const reviewRoundDir = (runDir: string, round: number) =>
  join(runDir, 'review', `round-${round}`);
export const imageFileName = (caseId: string) => `${caseId}_image.nii.gz`;
export const segFileName = (caseId: string) => `${caseId}_seg.nii.gz`;
export const WORKLIST_FILE = 'worklist.csv';
export const README_FILE = 'README.txt';
export const ITKSNAP_LABELS_FILE = 'itksnap-labels.txt';

// The case a returned mask is for (`<case>_seg.nii.gz` or `.nii`), or undefined.
export function caseOfSegFile(name: string): string | undefined {
  return /^(.+)_seg\.nii(\.gz)?$/.exec(name)?.[1];
}

// Whether a file name is one of the review's images (not a mask to import).
export function isImageFile(name: string): boolean {
  return /_image\.nii(\.gz)?$/.test(name);
}

// Where an imported mask is kept in the run folder (relative to it).
export const revisedMaskPath = (round: number, caseId: string, extension: '.nii' | '.nii.gz') =>
  join('revisions', `round-${round}`, `${caseId}_seg${extension}`);

// An ITK-SNAP label description file (`itksnap -l`), so the organs show with their names.
export function itksnapLabels(classes: ClassMap): string {
  const palette = [
    [230, 25, 75],
    [60, 180, 75],
    [255, 225, 25],
    [0, 130, 200],
    [245, 130, 48],
    [145, 30, 180],
    [70, 240, 240],
    [240, 50, 230],
    [210, 245, 60],
    [250, 190, 190],
  ];
  const lines = Object.entries(classes).map(([label, organ], i) => {
    const [r, g, b] = palette[i % palette.length] ?? [255, 0, 0];
    return `${label.padStart(5)} ${r} ${g} ${b} 1 1 1 "${organ}"`;
  });
  return `# ITK-SnAP Label Description File\n# Fields: IDX -R- -G- -B- -A-- VIS MSH LABEL\n    0 0 0 0 0 0 0 "Clear Label"\n${lines.join('\n')}\n`;
}

// What an annotator reads first in a review folder.
export function reviewReadme(round: number, caseIds: readonly string[], classes: ClassMap): string {
  const first = caseIds[0] ?? 'CASE';
  const labels = Object.entries(classes)
    .map(([label, organ]) => `${label} ${organ}`)
    .join(', ');
  return `Review round ${round}: ${caseIds.length} case(s) whose pseudo labels scored worst.
worklist.csv lists them worst first, with the score, the worst organ and its worst slice
(k, 0-based, along the third axis).

Each case folder holds the CT and its pseudo label on the same voxel grid:
  ${first}/${imageFileName(first)}   the image
  ${first}/${segFileName(first)}     the pseudo label to correct (label map)

Open them:
  ITK-SNAP:  itksnap -g ${first}/${imageFileName(first)} -s ${first}/${segFileName(first)} -l ${ITKSNAP_LABELS_FILE}
             (or File > Open Main Image, then Segmentation > Open Segmentation)
  3D Slicer: drag both files into Slicer; the file with "seg" in its name loads as a label map
             (in Add Data, "Show Options" > LabelMap if it is not ticked).

Correct the label map and SAVE IT UNDER THE SAME NAME, in the same folder
(${first}/${segFileName(first)}), as a NIfTI label map on the image's grid. Labels: 0 background,
${labels}. A case you cannot revise: delete its _seg file (it stays in the pool).
A mask saved unchanged is accepted and reported as identical to the pseudo label.

When done, give the folder back; it is imported with
  sentinel import-revisions --run RUN_FOLDER --from THIS_FOLDER --by YOUR_NAME
`;
}
