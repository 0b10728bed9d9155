/**
 * Ready-to-paste configurations that start `webhook-inspector mcp` for this store, for Claude Code,
 * Cursor and VS Code's `.vscode/mcp.json` (Copy MCP Server Config). They name no secret: the server
 * reads secrets from the environment (`WEBHOOK_INSPECTOR_SECRET_*`) of the agent that starts it.
 */

export interface McpLaunch {
  /** The Node.js command, e.g. `node`. */
  readonly node: string;
  /** dist/cli.js of the installed extension (or the CLI). */
  readonly cliPath: string;
  readonly storeDir: string;
  readonly allowHosts?: readonly string[];
}

export type McpClientKind = 'claude' | 'cursor' | 'vscode';

export const MCP_SERVER_NAME = 'webhook-inspector';

export function mcpArgs(l: McpLaunch): string[] {
  return [l.cliPath, 'mcp', '--store', l.storeDir, ...(l.allowHosts ?? []).flatMap((h) => ['--allow-host', h])];
}

/** A word for a POSIX shell or PowerShell: bare when it is plain, else double-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `"${word.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function mcpConfigSnippet(kind: McpClientKind, l: McpLaunch): string {
  const args = mcpArgs(l);
  switch (kind) {
    case 'claude':
      return `claude mcp add ${MCP_SERVER_NAME} -- ${[l.node, ...args].map(shellWord).join(' ')}`;
    case 'cursor':
      return JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: { command: l.node, args } } }, null, 2);
    case 'vscode':
      return JSON.stringify({ servers: { [MCP_SERVER_NAME]: { type: 'stdio', command: l.node, args } } }, null, 2);
  }
}
