/**
 * `webhook-inspector mcp [--store DIR] [--allow-host HOST]… [--secret P=VALUE]…`: the MCP server over
 * stdio. The server itself (the SDK, zod) is a bundle of its own, dist/mcp.js, loaded only here.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { StaticSecrets } from '../../core/verification';
import type * as McpServerModuleNs from '../mcpServer';
import type { CliIo } from '../io';
import { cliSecrets, type CliArgs } from '../args';

export interface McpFlags {
  storeDir: string;
  secrets: StaticSecrets;
  allowHosts: readonly string[];
}

type McpServerModule = typeof McpServerModuleNs;

export async function mcpCommand(io: CliIo, flags: McpFlags): Promise<number> {
  // dist/cli.js and dist/mcp.js sit side by side; a computed path keeps esbuild from inlining it.
  const mod = createRequire(__filename)(path.join(__dirname, 'mcp.js')) as McpServerModule;
  return mod.runMcpServer({ ...flags, version: io.version, stderr: io.stderr });
}

export function mcpFromArgs(io: CliIo, { values, common, allowHosts }: CliArgs): Promise<number> {
  return mcpCommand(io, { storeDir: common.storeDir, secrets: cliSecrets(values.secret ?? []), allowHosts });
}
