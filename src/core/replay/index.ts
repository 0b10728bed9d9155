/** Ordered replay and scenario files: pure core (no `vscode`), shared by the CLI and VS Code. */
export type { Pacing, ReplayOrder } from './order';
export { MAX_SEED, REPLAY_ORDERS, delaysFor, describeReplay, newSeed, orderItems, parseOrder, parseSeed, seededRandom } from './order';
export type { Scenario, ScenarioEvent } from './scenario';
export {
  SCENARIO_FOLDER,
  SCENARIO_SUFFIX,
  ScenarioError,
  assertNoSecrets,
  buildScenario,
  isSecretHeader,
  parseScenario,
  scenarioBody,
  scenarioFileName,
  serializeScenario,
} from './scenario';
export type { ReplayItem, ReplayOptions, ReplayResult, ReplaySummary } from './replay';
export { describeFailures, itemsFromEvents, itemsFromScenario, parseExpectStatus, replay, replayWarnings } from './replay';
