// The agent tools' contract in one place: package.json's languageModelTools match the core specs the
// MCP server serves, input validation gives one-line reasons, and the MCP config snippets start the
// server with this store.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { AgentToolError, inputJsonSchema, TOOL_SPECS, toolSpec, UNTRUSTED_NOTE, validateInput } from '../../../src/core/agents';
import { mcpArgs, mcpConfigSnippet } from '../../../src/core/agents/mcpConfig';
import { binaryString, splitShellCommands } from '../../../src/core/export/shellWords';
import { LM_TOOLS, MCP_PROVIDER_ID } from '../../../src/vscode/agents/names';

const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));

describe('agent tool contract', () => {
  test('package.json contributes one language-model tool per core tool, with the same input schema', () => {
    const contributed = pkg.contributes.languageModelTools as Array<Record<string, unknown>>;
    assert.equal(contributed.length, TOOL_SPECS.length);
    for (const t of LM_TOOLS) {
      const c = contributed.find((x) => x.name === t.name);
      assert.ok(c, `${t.name} is contributed`);
      const spec = toolSpec(t.core);
      assert.equal(c.toolReferenceName, t.reference);
      assert.equal(c.canBeReferencedInPrompt, true);
      assert.equal(c.modelDescription, spec.description);
      assert.deepEqual(c.inputSchema, inputJsonSchema(spec), `${t.name}: inputSchema is the core's`);
      if (t.core !== 'receiver_status') {
        assert.ok(String(c.modelDescription).includes(UNTRUSTED_NOTE), `${t.name} says payload fields are untrusted`);
      }
    }
    assert.deepEqual(pkg.contributes.mcpServerDefinitionProviders, [{ id: MCP_PROVIDER_ID, label: 'Webhook Inspector' }]);
    const cmd = (pkg.contributes.commands as Array<Record<string, string>>).find((c) => c.command === 'webhookInspector.copyMcpConfig');
    assert.equal(cmd?.category, 'Webhook Inspector');
    assert.ok(cmd?.icon);
  });

  test('validateInput applies defaults and refuses bad input with one line naming the field', () => {
    assert.deepEqual(validateInput(toolSpec('list_events'), {}), { limit: 20 });
    assert.deepEqual(validateInput(toolSpec('get_event'), { id: 'evt_1' }), { id: 'evt_1', maxBodyBytes: 65536 });
    const cases: Array<[Parameters<typeof toolSpec>[0], unknown, RegExp]> = [
      ['list_events', { limit: 0 }, /^limit must be a whole number from 1 to 200, not 0\.$/],
      ['list_events', { limit: 2.5 }, /limit must be a whole number/],
      ['list_events', { verdict: 'ok' }, /^verdict must be one of valid, invalid/],
      ['list_events', { nope: 1 }, /^list_events has no argument "nope" \(it takes: limit, provider/],
      ['list_events', 'text', /takes an object/],
      ['get_event', {}, /^id is required\.$/],
      ['get_event', { id: 7 }, /^id must be a string\.$/],
      ['resend_event', { id: 'x', resign: 'yes' }, /^resign must be true or false\.$/],
      ['receiver_status', { x: 1 }, /it takes none/],
      ['list_events', { text: 'x'.repeat(201) }, /text is longer than 200 characters/],
    ];
    for (const [tool, input, pattern] of cases) {
      assert.throws(
        () => validateInput(toolSpec(tool), input),
        (err: Error) => err instanceof AgentToolError && pattern.test(err.message) && !err.message.includes('\n'),
        `${tool} ${JSON.stringify(input)}`,
      );
    }
  });

  test('the MCP config snippets start dist/cli.js mcp with this store, quoted for the shell, and name no secret', () => {
    const l = { node: 'node', cliPath: 'ext dir/dist/cli.js', storeDir: 'My "Events"/store', allowHosts: ['hooks.internal'] };
    const claude = mcpConfigSnippet('claude', l);
    const [cmd] = splitShellCommands(binaryString(claude));
    assert.equal(cmd!.problem, undefined);
    assert.deepEqual(
      cmd!.words.map((w) => w.toString('utf8')),
      ['claude', 'mcp', 'add', 'webhook-inspector', '--', 'node', ...mcpArgs(l)],
    );
    assert.deepEqual(mcpArgs(l), ['ext dir/dist/cli.js', 'mcp', '--store', 'My "Events"/store', '--allow-host', 'hooks.internal']);
    assert.deepEqual(JSON.parse(mcpConfigSnippet('cursor', l)), {
      mcpServers: { 'webhook-inspector': { command: 'node', args: mcpArgs(l) } },
    });
    assert.deepEqual(JSON.parse(mcpConfigSnippet('vscode', l)), {
      servers: { 'webhook-inspector': { type: 'stdio', command: 'node', args: mcpArgs(l) } },
    });
  });
});
