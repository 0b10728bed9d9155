/** The CLI's dispatch: parse the flags, check the common ones, run the command's file under `commands/`. */
import { commonOptions, parseCliArgs, type CliArgs } from './args';
import { eventsCommand } from './commands/events';
import { generateFromArgs } from './commands/generate';
import { listenCommand } from './commands/listen';
import { mcpFromArgs } from './commands/mcp';
import { replayFromArgs } from './commands/replay';
import { resendFromArgs } from './commands/resend';
import { scenarioFromArgs } from './commands/scenario';
import { sendSampleFromArgs } from './commands/sendSample';
import { showCommand } from './commands/show';
import { CliError } from './errors';
import { HELP } from './help';
import type { CliIo } from './io';

const COMMANDS: Record<string, (io: CliIo, args: CliArgs) => Promise<number>> = {
  listen: listenCommand,
  resend: resendFromArgs,
  replay: replayFromArgs,
  scenario: scenarioFromArgs,
  'send-sample': sendSampleFromArgs,
  generate: generateFromArgs,
  mcp: mcpFromArgs,
  events: eventsCommand,
  show: showCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs(argv);
  } catch (err) {
    io.stderr(`${(err as Error).message}\nRun "webhook-inspector --help" for the options.`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (values.version) {
    io.stdout(io.version);
    return 0;
  }
  const [command, ...rest] = positionals;
  try {
    const common = commonOptions(values);
    if (command === undefined) {
      io.stdout(HELP);
      return 2;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!run) {
      throw new CliError(`Unknown command "${command}". Run "webhook-inspector --help".`);
    }
    return await run(io, { values, rest, common, allowHosts: values['allow-host'] ?? [] });
  } catch (err) {
    if (err instanceof CliError) {
      io.stderr(err.message);
      return err.exitCode;
    }
    io.stderr(`Error: ${(err as Error).message}`);
    return 1;
  }
}
