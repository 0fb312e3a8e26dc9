// The one error type a user sees: what is wrong, how to fix it, and the exit code.
// Anything else thrown is a bug and is printed with its stack by the CLI entry.
export class UserError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(
    message: string,
    options: { hint?: string; exitCode?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'UserError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}

// Whether a value is a UserError (also across module copies).
export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && error.name === 'UserError' && 'exitCode' in error;
}
