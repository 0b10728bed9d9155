/**
 * Agents in VS Code: the language-model tools (the same core as the MCP server: src/core/agents) and Copy
 * MCP Server Config. Activation registers stand-ins for the tools (standIns.ts) and the MCP server
 * definition itself (../mcpServer.ts); this module loads with the services, the core on the first tool call.
 */
import * as vscode from 'vscode';
import type { AgentTools } from '../../core/agents/tools';
import { type McpClientKind, mcpConfigSnippet } from '../../core/agents/mcpConfig';
import { DeliveryLog, DEFAULT_TARGET } from '../../core/forward';
import type { Logger } from '../../core/logger';
import type { ForwardingService } from '../forwarding';
import { readForwardSettings } from '../settings';
import type { ReceiverController } from '../receiverController';
import type { SecretStore } from '../secrets';
import { registerGuardedCommand } from '../commands/guarded';
import { mcpLaunch } from '../mcpServer';
import { LM_TOOLS } from './names';

export interface AgentDeps {
  readonly controller: ReceiverController;
  readonly forwarding: ForwardingService;
  readonly secrets: SecretStore;
  readonly logger: Logger;
}

interface ToolInput {
  id?: unknown;
  target?: unknown;
  provider?: unknown;
  type?: unknown;
}

/** The language-model tools; activation registers stand-ins that call these (see standIns.ts). */
export interface AgentProviders extends vscode.Disposable {
  readonly tools: ReadonlyMap<string, vscode.LanguageModelTool<ToolInput>>;
}

/** The language-model tools and Copy MCP Server Config (a command registered here). */
export function agentProviders(context: vscode.ExtensionContext, deps: AgentDeps): AgentProviders {
  let tools: Promise<AgentTools> | undefined;
  const load = () =>
    // The tools verify and redact with the stored secrets: they load once those are read.
    (tools ??= Promise.all([import('../../core/agents/tools'), deps.secrets.whenLoaded()]).then(
      ([{ AgentTools: Tools }]) =>
        new Tools({
          store: () => deps.controller.store(),
          secrets: deps.secrets,
          knownSecrets: () => deps.secrets.list().flatMap((p) => p.entries.map((e) => e.value)),
          allowedHosts: () => deps.forwarding.guard.allowedHosts,
          allowHint: (host) =>
            `The user can allow it by sending to ${host} once with "Webhook Inspector: Resend To…" and confirming the host.`,
          defaultTarget: () => readForwardSettings().target,
          resignDefault: () => readForwardSettings().resign,
          receiver: async () => {
            const s = deps.controller.status;
            const t = s.tunnel;
            return {
              running: s.state === 'running',
              ...(s.url ? { url: s.url } : {}),
              ...(s.publicUrl ? { publicUrl: s.publicUrl } : {}),
              ...(t ? { tunnel: { mode: t.mode, state: t.state, ...(t.reason ? { reason: t.reason } : {}) } } : {}),
            };
          },
          deliveryLog: (store) => (store.readOnly ? undefined : new DeliveryLog(store, { logger: deps.logger })),
        }),
    ));

  const lmTools = new Map<string, vscode.LanguageModelTool<ToolInput>>();
  for (const t of LM_TOOLS) {
    lmTools.set(t.name, {
      prepareInvocation: (options) => prepare(t.core, options.input ?? {}),
      invoke: async (options, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          const result = await (await load()).call(t.core, options.input, { signal: abort.signal });
          return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(JSON.stringify(result))]);
        } finally {
          sub.dispose();
        }
      },
    });
  }

  const command = registerGuardedCommand(
    'webhookInspector.copyMcpConfig',
    (kind?: McpClientKind | 'all') => copyMcpConfig(context, kind),
    (m) => deps.logger.error(m),
  );
  return { tools: lmTools, dispose: () => command.dispose() };
}

/** Confirmation for the tools that send a request, naming the target; a progress line for the others. */
function prepare(core: string, input: ToolInput): vscode.PreparedToolInvocation {
  const target = typeof input.target === 'string' ? input.target : readForwardSettings().target || DEFAULT_TARGET;
  if (core === 'resend_event' || core === 'send_sample_event') {
    const what =
      core === 'resend_event' ? `event ${String(input.id ?? '')}` : `a ${String(input.provider ?? '')} ${String(input.type ?? '')} sample`;
    // appendText escapes Markdown: the input comes from the model, which may have read a hostile payload.
    const message = new vscode.MarkdownString()
      .appendText(`Send ${what} to ${target}? `)
      .appendText('Only loopback targets and hosts you confirmed before are allowed.');
    return {
      invocationMessage: new vscode.MarkdownString().appendText(`Sending ${what} to ${target}`),
      confirmationMessages: { title: core === 'resend_event' ? 'Resend Webhook Event' : 'Send Sample Webhook', message },
    };
  }
  const messages: Record<string, string> = {
    list_events: 'Listing captured webhooks',
    get_event: 'Reading a captured webhook',
    wait_for_event: 'Waiting for the next webhook',
    verify_event: 'Checking a webhook signature',
    receiver_status: 'Reading the receiver status',
  };
  return { invocationMessage: messages[core] ?? 'Webhook Inspector' };
}

const CLIENTS: ReadonlyArray<{ kind: McpClientKind; label: string; detail: string }> = [
  { kind: 'claude', label: 'Claude Code', detail: 'A claude mcp add … command to run in a terminal' },
  { kind: 'cursor', label: 'Cursor', detail: 'For .cursor/mcp.json (or ~/.cursor/mcp.json)' },
  {
    kind: 'vscode',
    label: 'VS Code (.vscode/mcp.json)',
    detail: 'For another VS Code or a teammate; this window already offers the server',
  },
];

/** Puts a ready snippet (with this workspace's store filled in) on the clipboard. */
export async function copyMcpConfig(context: vscode.ExtensionContext, kind?: McpClientKind | 'all'): Promise<string | undefined> {
  let choice = kind;
  if (!choice) {
    const pick = await vscode.window.showQuickPick(
      [
        ...CLIENTS.map((c) => ({ label: c.label, detail: c.detail, client: c.kind as McpClientKind | 'all' })),
        { label: 'All three', detail: 'Each snippet under a heading', client: 'all' as const },
      ],
      {
        title: 'Copy MCP Server Config',
        placeHolder: 'Which agent should get the Webhook Inspector MCP server?',
      },
    );
    choice = pick?.client;
  }
  if (!choice) {
    return undefined;
  }
  const l = mcpLaunch(context, 'node');
  const text =
    choice === 'all' ? CLIENTS.map((c) => `# ${c.label}\n${mcpConfigSnippet(c.kind, l)}`).join('\n\n') : mcpConfigSnippet(choice, l);
  await vscode.env.clipboard.writeText(text);
  void vscode.window.showInformationMessage(
    `Webhook Inspector: the MCP server config${choice === 'all' ? 's are' : ' is'} on the clipboard (store ${l.storeDir}). It needs Node.js 20+ as "node"; signing secrets come from WEBHOOK_INSPECTOR_SECRET_* variables.`,
  );
  return text;
}
