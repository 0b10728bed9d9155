import * as vscode from 'vscode';
import { deliveryKnob } from '../../core/forward/deliver';
import type { Delivery } from '../../core/model/delivery';
import { openSetting } from '../settings';
import { vscodeWording } from '../wording';

/** A notification with the handler's answer and a way to see the whole response. */
export function announceDeliveries(deliveries: readonly Delivery[]): void {
  const last = deliveries[deliveries.length - 1]!;
  const ok = last.status !== undefined && last.status < 400;
  const summary =
    deliveries.length === 1
      ? last.status !== undefined
        ? `Handler answered ${last.status} in ${last.durationMs} ms${last.resigned ? ' (re-signed)' : ''}.`
        : `Not delivered: ${last.error}${problemHint(last)}`
      : `${deliveries.filter((d) => d.status !== undefined && d.status < 400).length} of ${deliveries.length} delivered; last answer ${last.status ?? last.error}.`;
  const show = (fn: typeof vscode.window.showInformationMessage) =>
    fn(`Webhook Inspector: ${summary}`, 'Show Response', ...(last.status === undefined ? ['Open Settings'] : [])).then((c) => {
      if (c === 'Show Response') {
        void showDelivery(last);
      } else if (c === 'Open Settings') {
        openSetting('forward.target');
      }
    });
  void show(ok ? vscode.window.showInformationMessage : vscode.window.showWarningMessage);
}

/** Where to fix a failed delivery, in VS Code terms (a leading space), or nothing. */
function problemHint(d: Delivery): string {
  const knob = deliveryKnob(d);
  return knob ? `. ${vscodeWording({ knob })}` : '';
}

/** The handler's response in a read-only-ish untitled document: status line, headers, body. */
export async function showDelivery(d: Delivery): Promise<void> {
  const lines = [
    `${d.status !== undefined ? `HTTP ${d.status}` : `No answer: ${d.error}`}  (${d.durationMs} ms, attempt ${d.attempt}${d.resigned ? ', re-signed' : ''})`,
    `→ ${d.target}`,
    '',
  ];
  for (const [k, v] of d.headers) {
    lines.push(`${k}: ${v}`);
  }
  lines.push('');
  const body = d.bodyEncoding === 'base64' ? `<${d.bodySize} bytes of binary data, base64>\n${d.body}` : d.body;
  lines.push(body + (d.truncated ? `\n… (${d.bodySize} bytes in all, cut)` : ''));
  const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: lines.join('\n') });
  await vscode.window.showTextDocument(doc, { preview: true });
}
