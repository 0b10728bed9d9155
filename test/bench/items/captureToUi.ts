import { ServerChild } from '../lib/child';
import { runRate } from '../lib/load';
import { maxInWindow, REFRESH_DELAY_MS } from '../lib/refreshThrottle';
import { fmt, pairedRatios, percentiles, summarize } from '../lib/stats';
import type { BenchContext, BenchItem, BenchRow } from '../lib/types';

interface Collected {
  changeLatencies: number[];
  refreshLatencies: number[];
  changeTimes: number[];
  refreshTimes: number[];
  unmatchedArrivals: number;
  added: number;
}

/**
 * 3. Capture to UI. At a steady 1,000 req/s (open loop, 50 keep-alive sockets, every request tagged
 * with x-bench-seq), the subject records when node:http has parsed each request and when the store's
 * onDidChange (what the tree consumes) carries it, and when the tree-like throttle refreshes. The
 * baseline is the time the receiver itself takes to answer, measured by the client, in the same run.
 */
const item: BenchItem = {
  name: 'captureToUi',
  title: 'Capture to UI latency and tree refresh rate',
  order: 30,
  estimateSeconds: 30,
  async run(ctx: BenchContext) {
    const rate = Number(ctx.flags.get('rate') ?? 1000);
    const durationSec = Number(ctx.flags.get('rateDuration') ?? 3);
    const connections = 50;
    const subject = await ServerChild.start('subject', { instrument: true, signatures: ctx.flags.get('signatures') ?? 'auto' });
    ctx.onCleanup(() => subject.stop());
    const rounds: Array<{
      change: ReturnType<typeof percentiles>;
      refresh: ReturnType<typeof percentiles>;
      client: ReturnType<typeof percentiles>;
      refreshesPerSecMax: number;
      refreshesPerSecMean: number;
      changesPerSec: number;
      achievedRps: number;
      failed: number;
      unmatched: number;
    }> = [];
    let seq = 0;
    try {
      await runRate(subject.url, { rate, durationSec: 1, connections, seqBase: (seq += 1_000_000) }); // warm-up
      await subject.call('settle');
      for (let round = 0; round < ctx.rounds; round++) {
        await subject.call('latencyStart');
        const r = await runRate(subject.url, { rate, durationSec, connections, seqBase: (seq += 1_000_000) });
        await subject.call('settle');
        const c = await subject.call<Collected>('latencyCollect');
        const span = (Math.max(...c.changeTimes) - Math.min(...c.changeTimes)) / 1000;
        const sample = {
          change: percentiles(c.changeLatencies),
          refresh: percentiles(c.refreshLatencies),
          client: percentiles(r.latencies),
          refreshesPerSecMax: maxInWindow(c.refreshTimes, 1000),
          refreshesPerSecMean: c.refreshTimes.length / Math.max(span, 1e-3),
          changesPerSec: c.changeTimes.length / Math.max(span, 1e-3),
          achievedRps: r.achievedRps,
          failed: r.failed,
          unmatched: c.unmatchedArrivals,
        };
        rounds.push(sample);
        ctx.log(
          `captureToUi round ${round + 1}/${ctx.rounds}: change p50 ${fmt(sample.change.p50)} ms, client p50 ${fmt(sample.client.p50)} ms, ` +
            `${sample.refreshesPerSecMax} refreshes in the busiest second, ${fmt(sample.changesPerSec)} changes/s, ${fmt(r.achievedRps)} req/s achieved`,
        );
      }
    } finally {
      await subject.stop();
    }
    const rows: BenchRow[] = [];
    for (const p of ['p50', 'p95', 'p99'] as const) {
      const sub = rounds.map((r) => r.change[p]);
      const base = rounds.map((r) => r.client[p]);
      rows.push({
        label: `3 capture→change event ${p} @${fmt(rate)} req/s`,
        subject: `${fmt(summarize(sub).median)} ms`,
        baseline: `answer ${fmt(summarize(base).median)} ms`,
        ratio: summarize(pairedRatios(sub, base)),
        goal: 'report',
      });
    }
    const refreshP = (p: 'p50' | 'p95' | 'p99') => fmt(summarize(rounds.map((r) => r.refresh[p])).median);
    rows.push({
      label: `3 capture→tree refresh p50/p95/p99`,
      subject: `${refreshP('p50')}/${refreshP('p95')}/${refreshP('p99')} ms`,
      baseline: `throttle ${REFRESH_DELAY_MS} ms`,
      goal: 'report',
    });
    const perSec = summarize(rounds.map((r) => r.refreshesPerSecMax));
    const failed = rounds.reduce((a, r) => a + r.failed, 0);
    const achieved = summarize(rounds.map((r) => r.achievedRps));
    rows.push({
      label: `3 tree refreshes in busiest 1 s @${fmt(rate)} req/s`,
      subject: `${fmt(perSec.median)} refreshes/s`,
      baseline: `${fmt(summarize(rounds.map((r) => r.changesPerSec)).median)} changes/s`,
      ratio: perSec,
      ratioUnit: '/s',
      goal: '≤ 5/s',
      met: perSec.median <= 5,
      note: `capture to UI: load achieved ${fmt(achieved.median)} req/s (target ${rate}), ${failed} failed requests; arrival = node:http 'request' event in the receiver's server.`,
    });
    return { rows, raw: { rate, durationSec, connections, rounds } };
  },
};

export default item;
