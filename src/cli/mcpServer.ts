/**
 * The MCP server over stdio (`webhook-inspector mcp`): the agent tools of `src/core/agents` served with
 * the official SDK. Built as a bundle of its own (dist/mcp.js) that the CLI loads only for this
 * command, so `listen` and the extension never load the SDK or zod. stdout carries protocol messages
 * only; the few log lines go to stderr and never hold a secret or captured content.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { AgentToolError, AgentTools, type AgentToolName, type ParamSpec, SecretRedactor, TOOL_SPECS, UNTRUSTED_NOTE } from '../core/agents';
import { readReceiverStatus } from '../core/receiverStatusFile';
import { EventStore } from '../core/store';
import type { StaticSecrets } from '../core/verification';

export interface McpServerOptions {
  storeDir: string;
  secrets: StaticSecrets;
  allowHosts: readonly string[];
  version: string;
  stderr: (line: string) => void;
  /** Streams, for tests; default process.stdin/stdout. */
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
}

/** The zod form of one input parameter, with our own one-line messages. */
function zodParam(p: ParamSpec, name: string): z.ZodType {
  switch (p.type) {
    case 'integer': {
      const msg = `${name} must be a whole number from ${p.minimum} to ${p.maximum}`;
      return z
        .number({ error: msg })
        .int({ error: msg })
        .min(p.minimum, { error: msg })
        .max(p.maximum, { error: msg })
        .optional()
        .describe(p.description);
    }
    case 'boolean':
      return z
        .boolean({ error: `${name} must be true or false` })
        .optional()
        .describe(p.description);
    default: {
      if (p.enum) {
        return z
          .enum(p.enum as [string, ...string[]], { error: `${name} must be one of ${p.enum.join(', ')}` })
          .optional()
          .describe(p.description);
      }
      const s = z.string({ error: `${name} must be a string` });
      return (p.maxLength !== undefined ? s.max(p.maxLength, { error: `${name} is longer than ${p.maxLength} characters` }) : s)
        .optional()
        .describe(p.description);
    }
  }
}

function inputShape(params: Readonly<Record<string, ParamSpec>>, required: readonly string[]): Record<string, z.ZodType> {
  return Object.fromEntries(
    Object.entries(params).map(([k, p]) => {
      const schema = zodParam(p, k);
      return [k, required.includes(k) ? (schema as z.ZodOptional<z.ZodType>).unwrap().describe(p.description) : schema];
    }),
  );
}

const headers = z.array(z.array(z.string())).describe('Header [name, value] pairs as received: order, case and duplicates kept.');
/** The fields every event result starts with. */
const eventHead = {
  id: z.string(),
  receivedAt: z.string(),
  method: z.string(),
  url: z.string(),
  provider: z.string().nullable(),
  eventType: z.string().nullable(),
};
const summary = z.object({
  ...eventHead,
  size: z.number(),
  verification: z.object({ status: z.string(), reason: z.string() }).nullable(),
  responseStatus: z.number(),
  deliveries: z.number().describe('How many times it was resent or forwarded.'),
});
const answer = {
  target: z.string(),
  status: z.number(),
  durationMs: z.number(),
  resigned: z.boolean(),
  headers,
  bodyExcerpt: z.object({ encoding: z.enum(['utf8', 'base64']), text: z.string(), size: z.number(), truncated: z.boolean() }),
  warnings: z.array(z.string()),
};

const OUTPUTS: Record<AgentToolName, z.ZodRawShape> = {
  list_events: { events: z.array(summary), total: z.number().describe('Matching events in all (before limit).'), notice: z.string() },
  get_event: {
    ...eventHead,
    headers,
    body: z.object({
      encoding: z.enum(['utf8', 'base64']),
      text: z.string(),
      size: z.number(),
      truncated: z.boolean(),
      redacted: z.boolean().optional(),
      rejected: z.string().optional(),
    }),
    verification: z
      .object({
        provider: z.string().nullable(),
        status: z.string(),
        reason: z.string(),
        hint: z.string().nullable(),
        checkedAt: z.string(),
      })
      .nullable(),
    responseStatus: z.number(),
    deliveries: z.array(
      z.object({
        kind: z.string(),
        target: z.string(),
        startedAt: z.string(),
        status: z.number().nullable(),
        durationMs: z.number(),
        resigned: z.boolean(),
        error: z.string().nullable(),
      }),
    ),
    notice: z.string(),
  },
  wait_for_event: { event: summary.nullable(), timedOut: z.boolean(), notice: z.string() },
  verify_event: {
    verification: z.object({
      provider: z.string().nullable(),
      status: z.string(),
      reason: z.string(),
      hint: z.string().nullable(),
      diagnostics: z.object({
        secretsConfigured: z.number(),
        matchedSecretIndex: z.number().nullable(),
        skewSeconds: z.number().nullable(),
        signatureHeaders: z.array(z.string()),
        atCapture: z.string().nullable(),
        checkedAt: z.string(),
      }),
    }),
  },
  resend_event: { ...answer, recorded: z.boolean() },
  send_sample_event: { ...answer, signed: z.boolean() },
  receiver_status: {
    running: z.boolean(),
    url: z.string().nullable(),
    publicUrl: z.string().nullable(),
    tunnel: z.object({ mode: z.string(), state: z.string(), reason: z.string().optional() }).nullable(),
    eventCount: z.number(),
    store: z.string(),
  },
};

/** Serves the tools until the client closes stdin (or the process is told to stop). Resolves with the exit code. */
export async function runMcpServer(o: McpServerOptions): Promise<number> {
  const store = await EventStore.open(o.storeDir, { maxEvents: Number.MAX_SAFE_INTEGER, readOnly: true });
  const knownSecrets = () => o.secrets.providers.flatMap((p) => o.secrets.secretsFor(p));
  const tools = new AgentTools({
    store: async () => store,
    secrets: o.secrets,
    knownSecrets,
    allowedHosts: () => o.allowHosts,
    allowHint: (host) => `The user can allow it by starting the MCP server with --allow-host ${host}.`,
    receiver: async () => {
      const r = await readReceiverStatus(store.dir);
      return r
        ? {
            running: r.state === 'running',
            ...(r.url ? { url: r.url } : {}),
            ...(r.publicUrl ? { publicUrl: r.publicUrl } : {}),
            ...(r.tunnel ? { tunnel: r.tunnel } : {}),
          }
        : { running: false };
    },
  });
  const server = new McpServer(
    { name: 'webhook-inspector', version: o.version },
    {
      instructions: `Webhook Inspector: webhooks captured on this machine (store ${store.dir}). List, read byte-exact, wait for, verify and resend them to a local handler. ${UNTRUSTED_NOTE}`,
    },
  );
  for (const spec of TOOL_SPECS) {
    server.registerTool(
      spec.name,
      {
        title: spec.title,
        description: spec.description,
        inputSchema: inputShape(spec.params, spec.required),
        outputSchema: OUTPUTS[spec.name],
        annotations: {
          title: spec.title,
          readOnlyHint: !spec.sendsRequests,
          destructiveHint: false,
          idempotentHint: !spec.sendsRequests,
          openWorldHint: spec.sendsRequests,
        },
      },
      async (args: Record<string, unknown>, extra) => {
        const progressToken = extra._meta?.progressToken;
        try {
          const result = await tools.call(spec.name, args, {
            signal: extra.signal,
            onProgress: (progress, total) => {
              if (progressToken !== undefined) {
                void extra
                  .sendNotification({ method: 'notifications/progress', params: { progressToken, progress, total } })
                  .catch(() => undefined);
              }
            },
          });
          return { content: [{ type: 'text' as const, text: JSON.stringify(result) }], structuredContent: result };
        } catch (err) {
          const message = err instanceof AgentToolError ? err.message : `${spec.name} failed: ${(err as Error)?.message ?? String(err)}`;
          return { content: [{ type: 'text' as const, text: new SecretRedactor(knownSecrets()).text(message) }], isError: true };
        }
      },
    );
  }
  const transport = new StdioServerTransport(o.stdin as never, o.stdout as never);
  const closed = new Promise<void>((resolve) => (server.server.onclose = resolve));
  await server.connect(transport);
  o.stderr(
    `webhook-inspector MCP server: ${store.size} events in ${store.dir} (read-only; new events appear as the receiver stores them)${o.allowHosts.length ? `; allowed hosts: ${o.allowHosts.join(', ')}` : ''}.`,
  );
  const stdin = o.stdin ?? process.stdin;
  stdin.once('end', () => void server.close());
  await closed;
  await store.close();
  return 0;
}
