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
 * Baseline: the time the bare node:http server takes to answer all 10,000. The express floor's own time
 * for the same burst is a second baseline: the receiver's HTTP layer is express, so express alone
 * bounds what the subject can reach.
 */
const item: BenchItem = {
  name: 'burst',
  title: 'Burst of 10,000 webhooks',
  order: 20,
  estimateSeconds: 55,
  async run(ctx: BenchContext) {
    const amount = Number(ctx.flags.get('burst') ?? 10_000);
    const connections = 200;
    const bare = await ServerChild.start('bareNode');
    const floor = await ServerChild.start('expressFloor');
    const subject = await ServerChild.start(
      'subject',
      { signatures: ctx.flags.get('signatures') ?? 'auto' },
      profileArgs(ctx.flags, 'burst-subject'),
    );
    ctx.onCleanup(() => Promise.all([bare.stop(), floor.stop(), subject.stop()]).then(() => undefined));
    const bareMs: number[] = [];
    const expressMs: number[] = [];
    const subjectMs: number[] = [];
    const subjectAnsweredMs: number[] = [];
    /** With verification on arrival: from the first request until every verdict is recorded. */
    const verifiedMs: number[] = [];
    const lost: number[] = [];
    const failures: number[] = [];
    try {
      await runLoad(bare.url, { connections, amount: 2000 }); // warm-up
      await runLoad(floor.url, { connections, amount: 2000 });
      await runLoad(subject.url, { connections, amount: 2000 });
      await subject.call('settle');
      for (let round = 0; round < ctx.rounds; round++) {
        const names = ['bare', 'express', 'subject'];
        const order = names.map((_, i) => names[(i + round) % names.length]!);
        for (const n of order) {
          if (n === 'bare' || n === 'express') {
            const r = await runLoad((n === 'bare' ? bare : floor).url, { connections, amount });
            (n === 'bare' ? bareMs : expressMs).push(r.ms);
            ctx.log(`burst round ${round + 1}/${ctx.rounds} ${n}: ${fmt(r.ms)} ms (${r.ok} 2xx)`);
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
              `burst round ${round + 1}/${ctx.rounds} subject: ${fmt(done)} ms to all listed (answered in ${fmt(r.ms)} ms, ${r.ok} 2xx, ${r.non2xx} non-2xx, ${r.errors} errors of which ${r.timeouts} timeouts, ${stored} stored, listed ${a.listed ?? '?'})`,
            );
          }
        }
      }
    } finally {
      await Promise.all([bare.stop(), floor.stop(), subject.stop()]);
    }
    const ratio = summarize(pairedRatios(subjectMs, bareMs));
    const expressVsBare = summarize(pairedRatios(expressMs, bareMs));
    const subjectVsExpress = summarize(pairedRatios(subjectMs, expressMs));
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
          // What P2's ≤ 2× bare leaves room for: express alone, answering the same burst (the receiver's HTTP layer).
          label: `2 burst ${fmt(amount)} @${connections}: express floor answered vs bare answered`,
          subject: `express ${fmt(summarize(expressMs).median)} ms`,
          baseline: `bare ${fmt(summarize(bareMs).median)} ms`,
          ratio: expressVsBare,
          goal: 'report (P2 bound)',
          note: `burst: the subject took ${fmt(subjectVsExpress.median)}× the express floor's time (median per-round ratio, ${fmt(subjectVsExpress.min)}–${fmt(subjectVsExpress.max)}); with express as the HTTP layer, P2's ≤ 2× bare is only reachable if the express floor is well under 2× bare.`,
        },
        {
          label: `2 burst ${fmt(amount)} @${connections}: events lost`,
          subject: `${lostTotal} lost of ${amount * ctx.rounds}`,
          baseline: `${failed} non-2xx/errors`,
          goal: '0 lost',
          met: lostTotal === 0 && failed === 0,
        },
      ],
      raw: {
        amount,
        connections,
        bareMs,
        expressMs,
        subjectMs,
        subjectAnsweredMs,
        verifiedMs,
        lost,
        failures,
        ratio,
        expressVsBare,
        subjectVsExpress,
      },
    };
  },
};

export default item;
