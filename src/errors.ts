/**
 * A user-facing error: one line saying what is wrong, and a hint saying how to fix it.
 * Everything the CLI prints for a failure goes through this type, so messages stay uniform.
 */
export class NslabError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'NslabError';
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 2;
  }
}

/** Several failures from one pass (teardown keeps going and reports them all). */
export class AggregateNslabError extends NslabError {
  readonly errors: readonly Error[];

  constructor(message: string, errors: readonly Error[], hint?: string) {
    super(`${message}: ${errors.map((e) => e.message).join('; ')}`, hint === undefined ? {} : { hint });
    this.errors = errors;
  }
}

export function formatError(err: unknown): string {
  if (err instanceof NslabError) {
    return err.hint ? `nslab: ${err.message} (${err.hint})` : `nslab: ${err.message}`;
  }
  const message = err instanceof Error ? err.message : String(err);
  return `nslab: unexpected error: ${message}`;
}
