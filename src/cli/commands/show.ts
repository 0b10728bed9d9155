/** `webhook-inspector show <id> [--json]`: one stored event, its headers and body. */
import { looksLikeText } from '../../core/detail/contentKind';
import { sanitizeLabel } from '../../core/detail/displayText';
import { toEventJson } from '../../core/eventJson';
import { formatBytes } from '../../core/format';
import { verdictHint } from '../../core/knobs';
import type { CliArgs } from '../args';
import { CliError } from '../errors';
import { openForReading, verdictText } from '../eventLine';
import type { CliIo } from '../io';
import { cliWording } from '../wording';

export async function showCommand(io: CliIo, { rest, common }: CliArgs): Promise<number> {
  const id = rest[0];
  if (!id) {
    throw new CliError('show needs an event id: webhook-inspector show <id>');
  }
  const store = await openForReading(common.storeDir);
  const event = store.get(id);
  if (!event) {
    await store.close();
    throw new CliError(`No event with id "${id}" in ${store.dir}. "webhook-inspector events" lists the ids.`, 1);
  }
  if (common.json) {
    io.stdout(JSON.stringify(await toEventJson(store, event)));
  } else {
    io.stdout(`${sanitizeLabel(event.method)} ${sanitizeLabel(event.url)}`);
    io.stdout(
      `id: ${event.id}\nreceived: ${event.receivedAt} from ${event.remoteAddress}\nsize: ${formatBytes(event.size)}\nresponse: ${event.response.status}`,
    );
    if (event.eventType) {
      io.stdout(`event type: ${sanitizeLabel(event.eventType)}`);
    }
    if (event.verification) {
      const hint = verdictHint(event.verification, cliWording);
      io.stdout(`signature: ${verdictText(event)}${hint ? `\n  hint: ${hint}` : ''}`);
    }
    if (event.rejected) {
      io.stdout(
        `rejected: ${event.rejected} (the body was not kept)${event.rejected === 'body-too-large' ? ` ${cliWording({ knob: 'maxBodySize' })}` : ''}`,
      );
    }
    io.stdout('');
    for (const [k, v] of event.headers) {
      io.stdout(`${sanitizeLabel(k)}: ${sanitizeLabel(v)}`);
    }
    const body = await store.readBody(event.id);
    if (body.length) {
      io.stdout('');
      io.stdout(!looksLikeText(body) ? `<${formatBytes(body.length)} of binary data; use --json for base64>` : body.toString('utf8'));
    }
  }
  await store.close();
  return 0;
}
