import * as vscode from 'vscode';
import type { Logger } from '../core/logger';

/** The extension's one output channel, behind the core's Logger interface. */
export function createLog(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('Webhook Inspector', { log: true });
  const logger: Logger = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, logger };
}
