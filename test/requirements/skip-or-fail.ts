// Whether the suite runs as CI (CI=true): there every requirement is installed, so a missing one
// is a failure, never a skip.
export const UNDER_CI = !['', '0', 'false'].includes(process.env.CI ?? '');

// The `skip` option of a test whose requirement may be missing: `reason` (undefined when it is
// there), so that a user's clone skips the test and says why. Under CI the reason is thrown
// instead, which fails the test file: CI cannot pass by skipping.
export function skipOrFail(reason: string | undefined): string | undefined {
  if (reason !== undefined && UNDER_CI) throw new Error(`CI=true, and ${reason}`);
  return reason;
}
