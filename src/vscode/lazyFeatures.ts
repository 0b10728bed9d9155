import * as vscode from 'vscode';
import { CODEGEN_COMMANDS } from './commands/codegenIds';
import type { CodegenDeps } from './commands/codegen';
import type { CommandContext } from './commands/types';
import { LazyCodeLensProvider, lazy, registerLazyCommands } from './lazy';
import { REPLAY_COMMANDS } from './replay/replayIds';

/** Generate Types from Events…, Create Test from Event…: src/core/codegen loads on the first run. */
export function registerLazyCodegen(deps: CodegenDeps): vscode.Disposable {
  return registerLazyCommands(Object.values(CODEGEN_COMMANDS), async () => {
    const { registerCodegenCommands } = await import('./commands/codegen');
    return () => registerCodegenCommands(deps);
  });
}

/**
 * Replay Selection…, Save Selection as Scenario…, Replay Scenario and the scenario files' CodeLens:
 * src/core/replay loads on the first run or when a `*.scenario.json` is opened. Replays re-sign with the
 * stored secrets, so the first run waits for them.
 */
export function registerLazyReplay(ctx: CommandContext): vscode.Disposable & { readonly lens: vscode.CodeLensProvider } {
  const load = lazy(async () => {
    await ctx.secrets.whenLoaded();
    return import('./replay/replayCommands');
  });
  // Registered at activation for SCENARIO_GLOB (src/extension.ts), which calls this one.
  const lens = new LazyCodeLensProvider(async () => new (await load()).ScenarioCodeLens());
  const all = vscode.Disposable.from(
    lens,
    registerLazyCommands(Object.values(REPLAY_COMMANDS), async () => {
      const { registerReplayCommands } = await load();
      return () => registerReplayCommands(ctx);
    }),
  );
  return { lens, dispose: () => all.dispose() };
}
