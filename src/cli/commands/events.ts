/** `webhook-inspector events [--limit N] [--json]`: the stored events, newest first. */
import { intOption, type CliArgs } from '../args';
import { openForReading, printEvent } from '../eventLine';
import type { CliIo } from '../io';

export async function eventsCommand(io: CliIo, { values, common }: CliArgs): Promise<number> {
  const limit = intOption('--limit', values.limit, Number.MAX_SAFE_INTEGER, 1);
  const store = await openForReading(common.storeDir);
  const events = store.list(0, limit);
  if (!common.json && events.length === 0) {
    io.stderr(`No events in ${store.dir}. Run "webhook-inspector listen" and send a request.`);
  }
  for (const event of events) {
    await printEvent(io, store, event, common.json);
  }
  await store.close();
  return 0;
}
