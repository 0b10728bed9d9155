/** A failure the CLI reports as a message (no stack) with an exit code: 2 = usage, 1 = failed. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
