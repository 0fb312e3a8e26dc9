import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const childProgram = fileURLToPath(new URL('./db-child-process.js', import.meta.url));

export interface RunningChild {
  child: ChildProcess;
  pid: number;
  // Resolves with the exit code or signal once the process has ended.
  exited: Promise<number | NodeJS.Signals | null>;
}

// Starts test/db/db-child-process.ts in MODE and resolves once it prints `line` on stdout.
export async function startChild(args: string[], line: string): Promise<RunningChild> {
  const child = spawn(process.execPath, [childProgram, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? signal));
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  await new Promise<void>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.split('\n').includes(line)) resolve();
    });
    child.on('exit', () => reject(new Error(`child ended before "${line}": ${stderr}`)));
  });
  if (child.pid === undefined) throw new Error('child has no pid');
  return { child, pid: child.pid, exited };
}

// Runs the child program to its end and returns its exit code.
export async function runChild(args: string[]): Promise<number | NodeJS.Signals | null> {
  const child = spawn(process.execPath, [childProgram, ...args], { stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
}
