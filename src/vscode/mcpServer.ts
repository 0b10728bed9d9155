import * as path from 'node:path';
import * as vscode from 'vscode';
import { mcpArgs, type McpLaunch } from '../core/agents/mcpConfig';
import { MCP_PROVIDER_ID } from './agents/names';
import { onDidChangeSettings, setting } from './settings';
import { readState, STATE_KEYS } from './stateKeys';

declare const PACKAGE_VERSION: string;

/** The folder events are kept in: the storePath setting, else the extension's storage for this workspace. */
export function storeDir(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>): string {
  const configured = setting('storePath');
  if (configured) {
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return path.resolve(folder ?? context.globalStorageUri.fsPath, configured);
  }
  return path.join((context.storageUri ?? context.globalStorageUri).fsPath, 'events');
}

/** How `dist/cli.js mcp` runs for this workspace: its store, and the hosts the user allowed sending to (persisted by the host guard). */
export function mcpLaunch(context: vscode.ExtensionContext, node: string): McpLaunch {
  return {
    node,
    cliPath: path.join(context.extensionPath, 'dist', 'cli.js'),
    storeDir: storeDir(context),
    allowHosts: readState(context.workspaceState, STATE_KEYS.allowedForwardHosts),
  };
}

/**
 * The MCP server definition for this workspace's store. Registered at activation: VS Code asks for the
 * definitions right after registration, and they need none of the services (settings and state only).
 */
export function registerMcpServerDefinitionProvider(context: vscode.ExtensionContext): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  return vscode.Disposable.from(
    changed,
    onDidChangeSettings((c) => c.affects('storePath') && changed.fire()),
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: () => {
        const l = mcpLaunch(context, process.execPath);
        // The editor's own runtime: Electron runs as Node only with ELECTRON_RUN_AS_NODE (code-server's is Node already).
        return [
          new vscode.McpStdioServerDefinition(
            'Webhook Inspector',
            l.node,
            mcpArgs(l),
            { ELECTRON_RUN_AS_NODE: '1' },
            typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : undefined,
          ),
        ];
      },
    }),
  );
}
