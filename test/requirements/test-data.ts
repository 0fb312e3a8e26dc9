import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../src/package-root.js';
import { skipOrFail } from './skip-or-fail.js';

// The one place of the third-party files some tests compare against (real CTs, the Quality
// Sentinel authors' files): $SENTINEL_TEST_DATA, else ../shared/data beside the repository.
// They are not in the repository (docs/test-data.md says what goes where and why).
export const TEST_DATA_DIR = resolve(
  packageRoot,
  process.env.SENTINEL_TEST_DATA || '../shared/data',
);

// Where each folder of the test data comes from, for the reason a test skips.
const ORIGINS: Record<string, string> = {
  'totalsegmentator-example':
    "TotalSegmentator's test reference files (github.com/wasserth/TotalSegmentator, tests/reference_files/)",
  'quality-sentinel-official':
    "the Quality Sentinel authors' repository (github.com/Schuture/Quality-Sentinel)",
};

// The absolute path of a file of the test data, e.g. 'totalsegmentator-example/ct.nii.gz'.
export function testDataFile(file: string): string {
  return join(TEST_DATA_DIR, file);
}

// The `skip` option of a test that reads these files of the test data: why it skips where one
// is missing (where the files come from), undefined where all are there; under CI it fails.
export function testDataSkip(...files: string[]): string | undefined {
  const missing = files.find((file) => !existsSync(testDataFile(file)));
  if (missing === undefined) return undefined;
  const folder = missing.split('/')[0] ?? missing;
  const origin = ORIGINS[folder] ?? 'docs/test-data.md';
  return skipOrFail(
    `${missing} is not in the test data (${TEST_DATA_DIR}, SENTINEL_TEST_DATA): it comes from ${origin}; see docs/test-data.md`,
  );
}
