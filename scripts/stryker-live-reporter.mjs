// A Stryker reporter that writes each mutant's result the moment it is known, one line per mutant, to
// reports/mutation/<scope>.live.tsv (git-ignored). Stryker's own reports are written only when a run
// ends; on this shared machine runs are often stopped early, and the survivors are wanted while the
// run goes on. Columns: status, file:line:column, mutator, replacement (first line), killing test.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const scope = process.env.WI_MUTATE || 'all';
// A second run of a scope (WI_MUTATE_RUN, see stryker.config.mjs) writes its own file.
const run = process.env.WI_MUTATE_RUN ? `${scope}.${process.env.WI_MUTATE_RUN}` : scope;
const file = `reports/mutation/${run}.live.tsv`;

const oneLine = (text) =>
  String(text ?? '')
    .split('\n')[0]
    .slice(0, 120);

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Reporter, 'live', {
    onMutationTestingPlanReady() {
      mkdirSync('reports/mutation', { recursive: true });
      writeFileSync(file, '');
    },
    onMutantTested(result) {
      const at = `${result.fileName}:${result.location.start.line}:${result.location.start.column + 1}`;
      const by = result.killedBy?.join(',') ?? '';
      appendFileSync(file, [result.status, at, result.mutatorName, oneLine(result.replacement), by].join('\t') + '\n');
    },
  }),
];
