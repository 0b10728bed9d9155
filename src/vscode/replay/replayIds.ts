/** The replay commands' ids and the scenario files' pattern, apart from their code (loaded on first use). */
export const REPLAY_COMMANDS = {
  replaySelection: 'webhookInspector.replaySelection',
  saveScenario: 'webhookInspector.saveScenario',
  replayScenario: 'webhookInspector.replayScenario',
} as const;

/** The files the Replay Scenario CodeLens applies to. */
export const SCENARIO_GLOB = '**/*.scenario.json';
