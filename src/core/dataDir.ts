import * as os from 'node:os';
import * as path from 'node:path';

/** The CLI's default store folder, in the user's data directory per platform conventions. */
export function defaultStoreDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = os.homedir(),
): string {
  if (platform === 'win32') {
    return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'webhook-inspector', 'events');
  }
  if (platform === 'darwin') {
    return path.join(home, 'Library', 'Application Support', 'webhook-inspector', 'events');
  }
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'webhook-inspector', 'events');
}
