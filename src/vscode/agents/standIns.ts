import * as vscode from 'vscode';
import { lazy } from '../lazy';
import type { AgentProviders } from './register';
import { LM_TOOLS, MCP_PROVIDER_ID } from './names';

/**
 * Registers the language-model tools and the MCP server definition provider at activation (VS Code asks
 * for them by the `onLanguageModelTool:` / `onMcpCollection:` events) as stand-ins: the first call loads
 * the real ones (`load`) and every call goes to them.
 */
export function registerAgentStandIns(load: () => Promise<AgentProviders>): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  let sub: vscode.Disposable | undefined;
  const get = lazy(async () => {
    const agents = await load();
    sub ??= agents.mcp.onDidChangeMcpServerDefinitions?.(() => changed.fire());
    return agents;
  });
  const tool = async (name: string) => (await get()).tools.get(name)!;
  return vscode.Disposable.from(
    changed,
    { dispose: () => sub?.dispose() },
    ...LM_TOOLS.map((t) =>
      vscode.lm.registerTool<object>(t.name, {
        prepareInvocation: async (options, token) => (await tool(t.name)).prepareInvocation?.(options, token),
        invoke: async (options, token) => (await tool(t.name)).invoke(options, token),
      }),
    ),
    vscode.lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, {
      onDidChangeMcpServerDefinitions: changed.event,
      provideMcpServerDefinitions: async (token) => (await get()).mcp.provideMcpServerDefinitions(token),
    }),
  );
}
