/**
 * Agent tools: the MCP server (`webhook-inspector mcp`) and the VS Code language-model tools share
 * this core. No `vscode` import, no schema library: the adapters add those.
 */
export type { AgentToolName, ParamSpec, ToolSpec } from './spec';
export { AgentToolError, inputJsonSchema, TOOL_SPECS, toolSpec, UNTRUSTED_NOTE, validateInput } from './spec';
export type { AgentToolsContext, CallOptions, EventSummary, ReceiverInfo } from './tools';
export { AgentTools } from './tools';
export { REDACTED, SecretRedactor } from './redact';
