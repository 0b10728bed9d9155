import * as vscode from 'vscode';
import { buildSample, type HostGuard, type SampleInfo, samples, sendSample, type Transport } from '../../core/forward';
import type { Delivery } from '../../core/model/delivery';
import type { SecretStore } from '../secrets';
import { readForwardSettings } from '../settings';
import { announceDeliveries } from './deliveryUi';

/** What sending a sample needs from the forwarding service. */
export interface SampleSendDeps {
  readonly secrets: SecretStore;
  readonly guard: HostGuard;
  readonly transport: Transport | undefined;
}

export interface SampleArgs {
  provider: string;
  event: string;
  target?: string;
  edit?: boolean;
}

/** Like `stripe trigger`, offline: a realistic sample, signed with the configured secret, edited first if wanted. */
export async function sendSampleEvent(deps: SampleSendDeps, args?: SampleArgs): Promise<Delivery | undefined> {
  const choice = await pickSample(args, 'Send Sample Event', 'Which event should your handler get?');
  if (!choice) {
    return undefined;
  }
  const secret = deps.secrets.secretsFor(choice.provider)[0];
  let request = buildSample(choice.provider, choice.event, secret ? { secret } : {});
  if (!args && !secret) {
    void vscode.window.showWarningMessage(
      `No ${choice.provider} signing secret is set: the sample goes out unsigned. Run "Webhook Inspector: Set Signing Secret" first to sign it.`,
    );
  }
  if (args?.edit ?? !args) {
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content: Buffer.from(request.body).toString('utf8') });
    await vscode.window.showTextDocument(doc);
    const go = await vscode.window.showInformationMessage(`Edit the ${choice.event} sample if you like, then send it.`, 'Send', 'Cancel');
    if (go !== 'Send') {
      return undefined;
    }
    request = buildSample(choice.provider, choice.event, secret ? { secret } : {});
    request = { ...request, body: Buffer.from(doc.getText(), 'utf8') };
    if (secret) {
      const { signSample } = await import('../../core/forward');
      request = signSample(request, secret);
    }
  }
  const target = args?.target ?? readForwardSettings().target;
  try {
    const delivery = await sendSample(request, target, {
      guard: deps.guard,
      transport: deps.transport,
      ...(secret ? { secret } : {}),
    });
    announceDeliveries([delivery]);
    return delivery;
  } catch (err) {
    void vscode.window.showErrorMessage(`Webhook Inspector could not send the sample: ${(err as Error).message}`);
    return undefined;
  }
}

/** The sample named by `args`, else the one the user picks (undefined when cancelled). */
export async function pickSample(
  args: { provider: string; event: string } | undefined,
  title: string,
  placeHolder: string,
): Promise<SampleInfo | undefined> {
  const named = args ? samples.find((s) => s.provider === args.provider && s.event === args.event) : undefined;
  if (named) {
    return named;
  }
  const pick = await vscode.window.showQuickPick(
    samples.map((s) => ({ label: s.event, description: s.provider, detail: s.description, sample: s })),
    { title, placeHolder, matchOnDescription: true },
  );
  return pick?.sample;
}
