/**
 * Leader failover (issue 15): two replicas of the real product (`npm start`, DATABASE_URL on one
 * throw-away PostgreSQL) behind one URL, the leader SIGKILLed mid-tick `kills` times and started
 * again each time, as test/replicas/failover.test.ts does with 3. Prints the takeover times —
 * SIGKILL → the survivor's `/healthz` says `leader: true`, and SIGKILL → its first completed tick —
 * as median and worst, with the exactly-once violations (none expected). Exits 1 on a violation.
 *
 *   node bench/failover.bench.ts [kills=20] [leaderCheckIntervalMs=5000] [pollIntervalMs=1000]
 *
 * Results: bench/README.md.
 */
import { runFailoverScenario, type Takeover } from '../test/replicas/failover-run.ts';

const KILLS = Number(process.argv[2] ?? 20);
const CHECK_MS = Number(process.argv[3] ?? 5000);
const POLL_MS = Number(process.argv[4] ?? 1000);

const started = Date.now();
const report = await runFailoverScenario({
  tickets: KILLS * 2,
  kills: KILLS,
  leaderCheckIntervalMs: CHECK_MS,
  pollIntervalMs: POLL_MS,
  linearStallMs: 300,
  log: (line) => console.error(line),
});

function figures(pick: (takeover: Takeover) => number) {
  const sorted = report.takeovers.map(pick).sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { medianMs: median, worstMs: sorted.at(-1) ?? 0 };
}

console.log(
  JSON.stringify(
    {
      kills: KILLS,
      leaderCheckIntervalMs: CHECK_MS,
      pollIntervalMs: POLL_MS,
      midTick: report.takeovers.filter((takeover) => takeover.midTick).length,
      leaderSaysLeader: figures((takeover) => takeover.leaderAfterMs),
      firstTick: figures((takeover) => takeover.tickAfterMs),
      firstTickDuration: figures((takeover) => takeover.tickMs),
      runs: report.runs,
      results: { accepted: report.results.accepted, duplicate: report.results.duplicate },
      webhooks: { accepted: report.webhooks.accepted, duplicate: report.webhooks.duplicate },
      violations: report.violations,
      totalSeconds: (Date.now() - started) / 1000,
    },
    null,
    2,
  ),
);
process.exit(report.violations.length === 0 ? 0 : 1);
