import { readFile } from 'node:fs/promises';
import type { z } from 'zod';

// What reading an engine's response found: the parsed response, or why there is none.
export type ResponseRead<T> =
  | { ok: true; response: T }
  | { ok: false; reason: 'no-response' | 'bad-response'; message: string };

// Reads and validates a response JSON against its contract schema.
export async function readResponse<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<ResponseRead<z.infer<S>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      ok: false,
      reason: 'no-response',
      message:
        code === 'ENOENT'
          ? `the engine exited without writing its response ${path}`
          : `cannot read the response ${path}: ${code}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      reason: 'bad-response',
      message: `the response ${path} is not valid JSON: ${(error as Error).message}`,
    };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 3)
      .map((i) => `${i.path.length ? i.path.join('.') : '(top level)'}: ${i.message}`);
    return {
      ok: false,
      reason: 'bad-response',
      message: `the response ${path} does not follow the contract: ${issues.join('; ')}`,
    };
  }
  return { ok: true, response: parsed.data };
}
