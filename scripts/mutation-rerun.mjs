// Re-testing only what a mutation run did not kill (test/README.md, "Mutation testing"). Stryker's JSON report
// (reports/mutation/<scope>.json) is the input; nothing here runs Stryker.
//
//   node scripts/mutation-rerun.mjs ranges <report.json> [--whole <file>...]
//       `--mutate` ranges that select the report's survivors, timeouts and uncovered mutants (and what nests in
//       them); files given with --whole are mutated whole (their source changed since the report).
//   node scripts/mutation-rerun.mjs merge <base.json> <rerun.json> <out.json> [--replace <file>...]
//       A mutant's final status is the re-run's when the re-run tested it, else the base run's; files given
//       with --replace are taken whole from the re-run.
//   node scripts/mutation-rerun.mjs summary <report.json>
//       Per file and in total: killed, timed out, survived, uncovered, Stryker's score and the killed-only score.
import { readFileSync, writeFileSync } from 'node:fs';

const NOT_KILLED = new Set(['Survived', 'NoCoverage', 'Timeout']);
const [command, ...args] = process.argv.slice(2);
const listAfter = (flag) => (args.includes(flag) ? args.slice(args.indexOf(flag) + 1) : []);
const read = (file) => JSON.parse(readFileSync(file, 'utf8'));
const key = ({ location: { start, end }, mutatorName, replacement }) =>
  `${start.line}:${start.column}-${end.line}:${end.column} ${mutatorName} ${replacement ?? ''}`;

function ranges(report, whole) {
  const out = new Set(whole);
  for (const [file, { mutants }] of Object.entries(report.files)) {
    if (whole.includes(file)) {
      continue;
    }
    for (const m of mutants.filter((m) => NOT_KILLED.has(m.status))) {
      // Report columns count from 1; Stryker's range columns from 0 (lines count from 1 in both).
      const { start, end } = m.location;
      out.add(`${file}:${start.line}:${start.column - 1}-${end.line}:${end.column - 1}`);
    }
  }
  return [...out].join(',');
}

function merge(base, rerun, replace) {
  let taken = 0;
  for (const [file, entry] of Object.entries(rerun.files)) {
    if (replace.includes(file) || !base.files[file]) {
      base.files[file] = entry;
      continue;
    }
    const fresh = new Map(entry.mutants.filter((m) => m.status !== 'Ignored' && m.status !== 'Pending').map((m) => [key(m), m]));
    base.files[file].mutants = base.files[file].mutants.map((m) => {
      const again = fresh.get(key(m));
      taken += again ? 1 : 0;
      return again ? { ...again, id: m.id } : m;
    });
  }
  console.error(`${taken} mutants took the re-run's status; taken whole from the re-run: ${replace.join(', ') || 'none'}`);
  return base;
}

function summary(report) {
  const total = {};
  const line = (name, c) => {
    const n = (s) => c[s] ?? 0;
    const valid = n('Killed') + n('Timeout') + n('Survived') + n('NoCoverage');
    const pct = (x) => `${((100 * x) / valid).toFixed(2)} %`;
    return `${name}: ${valid} mutants, killed ${n('Killed')}, timed out ${n('Timeout')}, survived ${n('Survived')}, uncovered ${n('NoCoverage')} | score ${pct(n('Killed') + n('Timeout'))} | killed only ${pct(n('Killed'))}`;
  };
  for (const [file, { mutants }] of Object.entries(report.files).sort()) {
    const counts = {};
    for (const { status } of mutants) {
      counts[status] = (counts[status] ?? 0) + 1;
      total[status] = (total[status] ?? 0) + 1;
    }
    console.log(line(file, counts));
  }
  console.log(line('total', total));
}

if (command === 'ranges' && args[0]) {
  console.log(ranges(read(args[0]), listAfter('--whole')));
} else if (command === 'merge' && args.length >= 3) {
  writeFileSync(args[2], JSON.stringify(merge(read(args[0]), read(args[1]), listAfter('--replace'))));
} else if (command === 'summary' && args[0]) {
  summary(read(args[0]));
} else {
  console.error(
    'usage: node scripts/mutation-rerun.mjs ranges <report.json> [--whole <file>...] | merge <base.json> <rerun.json> <out.json> [--replace <file>...] | summary <report.json>',
  );
  process.exit(2);
}
