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

// What a UserError says went wrong, and how to fix it, as plain data (it crosses threads and is
// reported later, e.g. a case `sentinel score` could not read).
export interface ReadFailure {
  message: string;
  hint?: string;
}

// The failure of a UserError; undefined for any other error, which is a bug to pass on.
export function readFailureOf(error: unknown): ReadFailure | undefined {
  if (!isUserError(error)) return undefined;
  return error.hint === undefined
    ? { message: error.message }
    : { message: error.message, hint: error.hint };
}

// A failure in one line: "message (hint)".
export function failureText({ message, hint }: ReadFailure): string {
  return hint ? `${message} (${hint})` : message;
}
