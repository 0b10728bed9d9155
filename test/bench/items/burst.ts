import { profileArgs, ServerChild } from '../lib/child';
import { runLoad } from '../lib/load';
import { fmt, pairedRatios, summarize } from '../lib/stats';
import type { BenchContext, BenchItem } from '../lib/types';

interface ArmResult {
  reachedAt?: number;
  /** With verification on arrival: when the last verdict was recorded. */
  verifiedAt?: number;
  listed?: number;
  added: number;
}

/**
 * 2. Burst: 10,000 webhooks at 200 connections. Subject: from the first request sent until all 10,000
 * are on disk and listed (the store's onDidChange count reaches 10,000 and store.list() holds them).
 * Baseline: the time the bare node:http server takes to answer all 10,000.
 */
const item: BenchItem = {
  name: 'burst',
  title: 'Burst of 10,000 webhooks',
  order: 20,
  estimateSeconds: 40,
  async run(ctx: BenchContext) {
    const amount = Number(ctx.flags.get('burst') ?? 10_000);
    const connections = 200;
    const bare = await ServerChild.start('bareNode');
    const subject = await ServerChild.start(
      'subject',
      { signatures: ctx.flags.get('signatures') ?? 'auto' },
      profileArgs(ctx.flags, 'burst-subject'),
    );
    ctx.onCleanup(() => Promise.all([bare.stop(), subject.stop()]).then(() => undefined));
    const bareMs: number[] = [];
    const subjectMs: number[] = [];
    const subjectAnsweredMs: number[] = [];
    /** With verification on arrival: from the first request until every verdict is recorded. */
    const verifiedMs: number[] = [];
    const lost: number[] = [];
    const failures: number[] = [];
    try {
      await runLoad(bare.url, { connections, amount: 2000 }); // warm-up
      await runLoad(subject.url, { connections, amount: 2000 });
      await subject.call('settle');
      for (let round = 0; round < ctx.rounds; round++) {
        const order = round % 2 === 0 ? ['bare', 'subject'] : ['subject', 'bare'];
        for (const n of order) {
          if (n === 'bare') {
            const r = await runLoad(bare.url, { connections, amount });
            bareMs.push(r.ms);
            ctx.log(`burst round ${round + 1}/${ctx.rounds} bare: ${fmt(r.ms)} ms (${r.ok} 2xx)`);
          } else {
            const pre = await subject.call<{ added: number; verified: number }>('settle');
            const before = pre.added;
            await subject.call('arm', { target: before + amount, verifiedTarget: pre.verified + amount });
            const r = await runLoad(subject.url, { connections, amount });
            const a = await subject.call<ArmResult>('armResult', { timeoutMs: 45_000 });
            const after = (await subject.call<{ added: number }>('settle', { timeoutMs: 60_000 })).added;
            verifiedMs.push(a.verifiedAt === undefined ? Number.NaN : a.verifiedAt - r.startedAt);
            const stored = after - before;
            const done = a.reachedAt === undefined ? Number.NaN : Math.max(r.endedAt, a.reachedAt) - r.startedAt;
            subjectMs.push(done);
            subjectAnsweredMs.push(r.ms);
            lost.push(Math.max(0, r.ok - stored));
            failures.push(r.non2xx + r.errors);
            ctx.log(
              `burst round ${round + 1}/${ctx.rounds} subject: ${fmt(done)} ms to all listed (answered in ${fmt(r.ms)} ms, ${r.ok} 2xx, ${stored} stored, listed ${a.listed ?? '?'})`,
            );
          }
        }
      }
    } finally {
      await Promise.all([bare.stop(), subject.stop()]);
    }
    const ratio = summarize(pairedRatios(subjectMs, bareMs));
    const lostTotal = lost.reduce((a, b) => a + b, 0);
    const failed = failures.reduce((a, b) => a + b, 0);
    return {
      rows: [
        {
          label: `2 burst ${fmt(amount)} @${connections}: all on disk+listed vs bare answered`,
          subject: `${fmt(summarize(subjectMs).median)} ms`,
          baseline: `bare ${fmt(summarize(bareMs).median)} ms`,
          ratio,
          goal: '≤ 2',
          met: ratio.median <= 2,
          ...(verifiedMs.some(Number.isFinite)
            ? {
                note: `burst: with verification on arrival, every verdict was recorded ${fmt(summarize(verifiedMs).median)} ms after the first request (median; ${fmt(summarize(pairedRatios(verifiedMs, bareMs)).median)}× the bare server's time).`,
              }
            : {}),
        },
        {
          label: `2 burst ${fmt(amount)} @${connections}: events lost`,
          subject: `${lostTotal} lost of ${amount * ctx.rounds}`,
          baseline: `${failed} non-2xx/errors`,
          goal: '0 lost',
          met: lostTotal === 0 && failed === 0,
        },
      ],
      raw: { amount, connections, bareMs, subjectMs, subjectAnsweredMs, verifiedMs, lost, failures, ratio },
    };
  },
};

export default item;
