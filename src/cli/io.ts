/** The CLI's side of the process: its output streams and stop signal, and the stderr logger over them. */
import type { Logger } from '../core/logger';
import type { RepeatCollapser } from './quiet';

export interface CliIo {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM). */
  untilSignal: () => Promise<string>;
  version: string;
}

/** Warnings and errors on stderr (through `quiet` when given, so repeats collapse); debug lines only when `verbose`. */
export function stderrLogger(io: CliIo, verbose: boolean, quiet?: RepeatCollapser): Logger {
  const out = (m: string) => (quiet ? quiet.line(m) : io.stderr(m));
  return {
    trace: () => undefined,
    debug: (m) => verbose && io.stderr(m),
    info: () => undefined,
    warn: (m) => out(`warning: ${m}`),
    error: (m) => out(`error: ${m}`),
  };
}

/** The logger of a command: debug lines when WEBHOOK_INSPECTOR_DEBUG is set. */
export function commandLogger(io: CliIo, quiet?: RepeatCollapser): Logger {
  return stderrLogger(io, !!process.env.WEBHOOK_INSPECTOR_DEBUG, quiet);
}
