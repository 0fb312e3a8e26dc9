import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

// The compiled CLI entry points, for integration tests that run the real program.
export const sentinelBin = fileURLToPath(new URL('../src/cli/sentinel.js', import.meta.url));

// Runs `sentinel ARGS` as a real subprocess and returns its exit code and output.
export async function runSentinel(
  args: string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
) {
  const result = await execa(process.execPath, [sentinelBin, ...args], {
    reject: false,
    cwd: options.cwd,
    env: options.env,
    timeout: 600_000,
  });
  return { exitCode: result.exitCode ?? -1, stdout: result.stdout, stderr: result.stderr };
}
