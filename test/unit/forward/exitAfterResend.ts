/**
 * Child process of transport.test.ts: one resend through a transport that would keep its idle
 * connection open for a minute, then nothing more. The process must still exit by itself at once
 * (the CLI ends that way: it sets process.exitCode and lets the event loop run dry).
 */
import { createHttpTransport, loopbackOnlyGuard, resend } from '../../../src/core/forward/index';

const target = process.argv[2];
const transport = createHttpTransport({ keepAliveIdleMs: 60_000 });
void resend({ id: 'evt_exit', method: 'POST', url: '/exit', headers: [['Content-Type', 'text/plain']] }, Buffer.from('bye'), target, {
  guard: loopbackOnlyGuard(),
  transport,
}).then((d) => {
  process.stdout.write(`${d.status ?? d.errorCode}\n`);
});
