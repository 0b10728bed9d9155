import * as vscode from 'vscode';
import { findSecretCandidates } from '../../core/dotenv';
import { maskSecret } from '../secrets';
import type { CommandContext } from './types';

/** Arguments for scripted use (tests, other extensions); without them the command asks. */
export interface SetSecretArgs {
  provider: string;
  secret: string;
  path?: string;
}

interface ProviderPick extends vscode.QuickPickItem {
  id: string;
}

/** The provider catalogue (the signature tables): loaded when a secret command runs, not at activation. */
const catalogue = async () => (await import('../../core/signatures')).providers;
const providerName = async (id: string) => (await catalogue()).find((p) => p.id === id)?.name ?? id;

async function providerPicks(ctx: CommandContext): Promise<ProviderPick[]> {
  const list = (await catalogue())
    .filter((p) => p.id !== 'generic-hmac' && p.id !== 'paypal' && p.id !== 'plaid' && p.id !== 'amazon-sns')
    .map((p) => ({ id: p.id, label: p.name, description: p.id }));
  list.push({ id: 'meta-verify-token', label: 'Meta: Verify Token', description: 'for the hub.challenge handshake' });
  return list
    .map((p) => ({ ...p, detail: ctx.secrets.has(p.id) ? `$(key) ${ctx.secrets.secretsFor(p.id).length} secret(s) set` : undefined }))
    .sort((a, b) => a.label.localeCompare(b.label));
}

async function pickProvider(ctx: CommandContext, title: string): Promise<string | undefined> {
  await ctx.secrets.whenLoaded(); // the picks say which providers have secrets
  const recent = (await ctx.controller.store()).list(0, 50).find((e) => e.provider)?.provider;
  const picks = await providerPicks(ctx);
  const recentPick = picks.find((p) => p.id === recent);
  const items = recentPick
    ? [{ ...recentPick, description: `${recentPick.description} · last seen` }, ...picks.filter((p) => p !== recentPick)]
    : picks;
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Which provider signs the webhooks?',
    matchOnDescription: true,
  });
  return pick?.id;
}

async function dotenvFiles(): Promise<Array<{ file: string; text: string }>> {
  const uris = await vscode.workspace.findFiles('**/.env*', '**/node_modules/**', 20);
  const out: Array<{ file: string; text: string }> = [];
  for (const uri of uris) {
    try {
      out.push({ file: vscode.workspace.asRelativePath(uri), text: Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8') });
    } catch {
      // unreadable: skip
    }
  }
  return out;
}

export async function setSigningSecret(ctx: CommandContext, args?: SetSecretArgs): Promise<boolean> {
  let provider = args?.provider;
  let secret = args?.secret;
  let path = args?.path;
  if (!provider) {
    provider = await pickProvider(ctx, 'Webhook Inspector: Set Signing Secret');
    if (!provider) {
      return false;
    }
  }
  if (secret === undefined) {
    // With consent, offer values found in the workspace's .env files.
    const candidates = findSecretCandidates(await dotenvFiles(), provider);
    if (candidates.length) {
      const typeIt = { label: '$(edit) Enter the secret…', candidate: undefined };
      const choice = await vscode.window.showQuickPick(
        [
          ...candidates.map((c) => ({ label: `$(file) Use ${c.name} from ${c.file}`, description: maskSecret(c.value), candidate: c })),
          typeIt,
        ],
        { title: 'Signing secret found in .env', placeHolder: 'Use it? The value is copied into VS Code’s secret storage only.' },
      );
      if (!choice) {
        return false;
      }
      secret = choice.candidate?.value;
    }
  }
  if (secret === undefined) {
    secret = await vscode.window.showInputBox({
      title: `Signing secret for ${await providerName(provider)}`,
      prompt: 'Kept in VS Code’s secret storage (the system keyring), never in settings or logs. Add several for key rotation.',
      password: true,
      ignoreFocusOut: true,
      placeHolder: provider === 'stripe' ? 'whsec_…' : undefined,
      validateInput: (v) =>
        !v.trim()
          ? 'Enter the secret.'
          : v !== v.trim()
            ? {
                message: 'The value has whitespace around it; it is usually a copy-paste slip.',
                severity: vscode.InputBoxValidationSeverity.Warning,
              }
            : undefined,
    });
    if (secret === undefined) {
      return false;
    }
    if (!args) {
      const scope = await vscode.window.showInputBox({
        title: 'Only for one path? (optional)',
        prompt: 'Leave empty to use this secret for every path, or enter a path such as /webhooks/stripe.',
        ignoreFocusOut: true,
        validateInput: (v) => (v && !v.startsWith('/') ? 'A path starts with /.' : undefined),
      });
      if (scope === undefined) {
        return false;
      }
      path = scope || undefined;
    }
  }
  try {
    await ctx.secrets.add(provider, secret, path);
  } catch (err) {
    void vscode.window.showErrorMessage((err as Error).message);
    return false;
  }
  ctx.logger.info(`Signing secret set for ${provider}${path ? ` on ${path}` : ''}.`);
  await reverify(ctx, provider);
  return true;
}

export async function removeSigningSecret(ctx: CommandContext, args?: { provider: string }): Promise<boolean> {
  await ctx.secrets.whenLoaded();
  const names = new Map((await catalogue()).map((p) => [p.id, p.name]));
  const stored = ctx.secrets.list().filter((s) => !args || s.provider === args.provider);
  if (stored.length === 0) {
    void vscode.window.showInformationMessage('Webhook Inspector: no signing secrets are set.');
    return false;
  }
  let target: { provider: string; entry?: (typeof stored)[number]['entries'][number] } | undefined;
  if (args) {
    target = { provider: args.provider };
  } else {
    const picks = stored.flatMap(({ provider, entries }) =>
      entries.map((entry) => ({
        label: names.get(provider) ?? provider,
        description: `${maskSecret(entry.value)}${entry.path ? ` · only ${entry.path}` : ''}`,
        detail: `added ${new Date(entry.addedAt).toLocaleString()}`,
        provider,
        entry,
      })),
    );
    target = await vscode.window.showQuickPick(picks, { title: 'Webhook Inspector: Remove Signing Secret', placeHolder: 'Which secret?' });
    if (!target) {
      return false;
    }
  }
  try {
    await ctx.secrets.remove(target.provider, target.entry);
  } catch (err) {
    void vscode.window.showErrorMessage((err as Error).message);
    return false;
  }
  await reverify(ctx, target.provider);
  return true;
}

/** Re-verifies a provider's events when another window of this VS Code changes its secrets. */
export function reverifyOnChangesElsewhere(ctx: CommandContext): vscode.Disposable {
  const sub = ctx.secrets.onDidChangeElsewhere((provider) => {
    reverify(ctx, provider).catch((err: Error) => ctx.logger.error(`Re-verifying ${provider} events: ${err.message}`));
  });
  return { dispose: () => sub.dispose() };
}

/** Re-checks the stored events of a provider after its secrets changed, with progress. */
async function reverify(ctx: CommandContext, provider: string): Promise<void> {
  const store = await ctx.controller.store();
  if (store.readOnly) {
    return;
  }
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: `Re-verifying ${provider} events` },
    async (progress) => {
      const n = await (
        await ctx.controller.verifier()
      ).verifyAll(provider, (done, total) => progress.report({ message: `${done}/${total}` }));
      ctx.logger.info(`Re-verified ${n} ${provider} events.`);
    },
  );
}
