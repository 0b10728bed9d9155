/** The language-model tools as package.json contributes them, and the core tool each one runs (no vscode import: unit-tested). */
import type { AgentToolName } from '../../core/agents/spec';

export interface LmToolName {
  /** `contributes.languageModelTools[].name`. */
  readonly name: string;
  /** `toolReferenceName`: `#webhookEvents` in chat. */
  readonly reference: string;
  readonly core: AgentToolName;
}

export const LM_TOOLS: readonly LmToolName[] = [
  { name: 'webhookInspector_listEvents', reference: 'webhookEvents', core: 'list_events' },
  { name: 'webhookInspector_getEvent', reference: 'webhookEvent', core: 'get_event' },
  { name: 'webhookInspector_waitForEvent', reference: 'webhookWait', core: 'wait_for_event' },
  { name: 'webhookInspector_verifyEvent', reference: 'webhookVerify', core: 'verify_event' },
  { name: 'webhookInspector_resendEvent', reference: 'webhookResend', core: 'resend_event' },
  { name: 'webhookInspector_sendSampleEvent', reference: 'webhookSample', core: 'send_sample_event' },
  { name: 'webhookInspector_receiverStatus', reference: 'webhookReceiver', core: 'receiver_status' },
];

export const MCP_PROVIDER_ID = 'webhookInspector.mcpServer';
