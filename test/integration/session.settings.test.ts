import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  onDidChangeSettings,
  SECTION,
  setting,
  SETTING_KEYS,
  type SettingKey,
  type SettingsChange,
  updateSetting,
} from '../../src/vscode/settings';
import { activateExtension, EXTENSION_ID, waitFor } from './helpers';

interface Declared {
  readonly default?: unknown;
}

/** The settings package.json declares, keyed without the `webhookInspector.` section. */
function declaredSettings(): Map<string, Declared> {
  const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
    contributes: { configuration: { properties: Record<string, Declared> } | Array<{ properties: Record<string, Declared> }> };
  };
  const sections = ([] as Array<{ properties: Record<string, Declared> }>).concat(pkg.contributes.configuration);
  const declared = new Map<string, Declared>();
  for (const [key, spec] of sections.flatMap((s) => Object.entries(s.properties))) {
    assert.ok(key.startsWith(`${SECTION}.`), `${key} is under ${SECTION}.`);
    declared.set(key.slice(SECTION.length + 1), spec);
  }
  return declared;
}

describe('Configuration: one typed module for every setting', () => {
  before(async () => {
    await activateExtension();
  });

  it('every setting package.json declares has a typed reader, and every reader a declared setting', () => {
    const declared = [...declaredSettings().keys()].sort();
    assert.ok(declared.length >= 20, `package.json declares ${declared.length} settings`);
    assert.deepEqual([...SETTING_KEYS].sort(), declared);
  });

  it('a setting nobody set reads as the default package.json declares', () => {
    const config = vscode.workspace.getConfiguration(SECTION);
    let compared = 0;
    for (const [key, spec] of declaredSettings()) {
      const i = config.inspect(key);
      if (i?.globalValue !== undefined || i?.workspaceValue !== undefined || i?.workspaceFolderValue !== undefined) {
        continue; // the test workspace sets storePath, port and tunnel.provider
      }
      assert.deepEqual(setting(key as SettingKey), spec.default, `the reader of ${key} falls back to its declared default`);
      compared++;
    }
    assert.ok(compared >= 18, `compared ${compared} defaults`);
  });

  it('a change fires the one change event with its key; the value is read typed, a wrong type falls back to the default', async () => {
    const changes: SettingsChange[] = [];
    const sub = onDidChangeSettings((c) => changes.push(c));
    try {
      await updateSetting('forward.timeout', 2500, vscode.ConfigurationTarget.Workspace);
      const change = await waitFor('the change event', () => changes.find((c) => c.keys.includes('forward.timeout')));
      assert.deepEqual(change.keys, ['forward.timeout']);
      assert.equal(change.affects('forward'), true);
      assert.equal(change.affects('tunnel'), false);
      assert.equal(setting('forward.timeout'), 2500);
      await vscode.workspace.getConfiguration(SECTION).update('forward.timeout', 'soon', vscode.ConfigurationTarget.Workspace);
      await waitFor('the second change', () => changes.length >= 2);
      assert.equal(setting('forward.timeout'), 10_000, 'a string is not a timeout: the default applies');
    } finally {
      sub.dispose();
      await updateSetting('forward.timeout', undefined, vscode.ConfigurationTarget.Workspace);
    }
    assert.equal(setting('forward.timeout'), 10_000);
  });
});
