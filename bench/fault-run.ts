/**
 * The long form of the fault test (issue 9): the real product (`npm start`) against fake Linear
 * and GitHub behind a fault-injecting proxy, SIGKILLed and restarted many times, then the
 * invariants of test/fault/fault.test.ts. Prints the figures as JSON and exits 1 on a violation.
 *
 *   node bench/fault-run.ts --seed 1 --tickets 300 --crashes 30 --fault-rate 0.2
 *
 * Options: --seed N (1), --tickets N (300), --blocked N (tickets / 30, at least 2), --crashes N
 * (30), --fault-rate 0–1 (0.2), --crash-every-ms N (6000), --stall-ms N (5000),
 * --work-under-faults-ms N (120000), --settle-timeout-ms N (300000).
 */
import { parseArgs } from 'node:util';
import { runFaultScenario } from '../test/fault/fault-run.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    tickets: { type: 'string', default: '300' },
    blocked: { type: 'string' },
    crashes: { type: 'string', default: '30' },
    'fault-rate': { type: 'string', default: '0.2' },
    'crash-every-ms': { type: 'string', default: '6000' },
    'stall-ms': { type: 'string', default: '5000' },
    'work-under-faults-ms': { type: 'string', default: '120000' },
    'settle-timeout-ms': { type: 'string', default: '300000' },
  },
});
const tickets = Number(values.tickets);
const started = Date.now();
const report = await runFaultScenario({
  seed: Number(values.seed),
  tickets,
  blocked: values.blocked === undefined ? Math.max(2, Math.floor(tickets / 30)) : Number(values.blocked),
  crashes: Number(values.crashes),
  faultRate: Number(values['fault-rate']),
  crashEveryMs: Number(values['crash-every-ms']),
  stallMs: Number(values['stall-ms']),
  workUnderFaultsMs: Number(values['work-under-faults-ms']),
  settleTimeoutMs: Number(values['settle-timeout-ms']),
  log: (line) => console.error(line),
});
console.log(JSON.stringify({ ...report, totalSeconds: (Date.now() - started) / 1000 }, null, 2));
process.exit(report.violations.length === 0 ? 0 : 1);
