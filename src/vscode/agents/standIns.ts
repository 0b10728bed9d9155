import * as vscode from 'vscode';
import type { AgentProviders } from './register';
import { LM_TOOLS } from './names';

/**
 * Registers the language-model tools at activation (VS Code asks for them by `onLanguageModelTool:`) as
 * stand-ins: the first call loads the real ones (`load`) and every call goes to them.
 */
export function registerToolStandIns(load: () => Promise<AgentProviders>): vscode.Disposable {
  const tool = async (name: string) => (await load()).tools.get(name)!;
  return vscode.Disposable.from(
    ...LM_TOOLS.map((t) =>
      vscode.lm.registerTool<object>(t.name, {
        prepareInvocation: async (options, token) => (await tool(t.name)).prepareInvocation?.(options, token),
        invoke: async (options, token) => (await tool(t.name)).invoke(options, token),
      }),
    ),
  );
}
