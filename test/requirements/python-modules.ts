import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { packageRoot } from '../../src/package-root.js';
import { skipOrFail } from './skip-or-fail.js';

// The Python the tests run: Debian's /usr/bin/python3, where python3-torch and the other
// packages of scripts/install-system-deps.sh are; $SENTINEL_TEST_PYTHON overrides it.
export const TEST_PYTHON = process.env.SENTINEL_TEST_PYTHON || '/usr/bin/python3';

// The Debian package of each Python module the tests import.
const DEBIAN_PACKAGES: Record<string, string> = {
  torch: 'python3-torch',
  torchvision: 'python3-torchvision',
  nibabel: 'python3-nibabel',
  numpy: 'python3-numpy',
  scipy: 'python3-scipy',
  'scipy.ndimage': 'python3-scipy',
  'scipy.stats': 'python3-scipy',
  PIL: 'python3-pil',
};

const probes = new Map<string, boolean>();

// Whether TEST_PYTHON imports all these modules (asked once per set).
function imports(modules: readonly string[]): boolean {
  const key = modules.join(', ');
  let ok = probes.get(key);
  if (ok === undefined) {
    ok = spawnSync(TEST_PYTHON, ['-c', `import ${key}`], { stdio: 'ignore' }).status === 0;
    probes.set(key, ok);
  }
  return ok;
}

// Why a test needing these Python modules must skip (naming the Debian packages that bring
// them), or undefined when they import. Under CI a missing module that
// scripts/install-system-deps.sh installs fails the test instead; one that Debian does not
// package (e.g. monai) still skips.
export function pythonSkipReason(modules: readonly string[]): string | undefined {
  if (imports(modules)) return undefined;
  const failing = modules.filter((m) => !imports([m]));
  const missing = failing.length > 0 ? failing : modules;
  const packages = [...new Set(missing.map((m) => DEBIAN_PACKAGES[m]).filter((p) => p))];
  const unpackaged = missing.filter((m) => !DEBIAN_PACKAGES[m]);
  const cannot = `${TEST_PYTHON} cannot import ${missing.join(', ')}`;
  if (unpackaged.length > 0) return `${cannot} (${unpackaged.join(', ')}: not a Debian package)`;
  return skipOrFail(
    `${cannot}: install Debian's ${packages.join(', ')} (scripts/install-system-deps.sh installs all the tests use)`,
  );
}

// Where the tests find MONAI (with einops) when TEST_PYTHON has no install of its own: the
// unmodified sources in ../shared/vendor/python ($SENTINEL_VENDOR_PYTHON overrides it; see
// ../shared/vendor/README.md), put on PYTHONPATH.
export const VENDORED_PYTHON = resolve(
  packageRoot,
  process.env.SENTINEL_VENDOR_PYTHON || '../shared/vendor/python',
);

// What a test running MONAI needs: `env` to add to the engine's (empty where TEST_PYTHON imports
// MONAI itself, else PYTHONPATH = VENDORED_PYTHON), or `skip`, why it cannot run (under CI a
// failure, like every other requirement).
export function monaiRequirement(): { skip: string | undefined; env: Record<string, string> } {
  if (imports(['monai', 'einops'])) return { skip: undefined, env: {} };
  const env = { PYTHONPATH: VENDORED_PYTHON };
  const vendored = spawnSync(TEST_PYTHON, ['-c', 'import monai, einops'], {
    stdio: 'ignore',
    env: { ...process.env, ...env },
  });
  if (vendored.status === 0) return { skip: undefined, env };
  const reason = `${TEST_PYTHON} cannot import monai and einops, neither installed (pip install monai) nor from ${VENDORED_PYTHON} (MONAI's sources as ../shared/vendor/README.md describes)`;
  return { skip: skipOrFail(reason), env: {} };
}
