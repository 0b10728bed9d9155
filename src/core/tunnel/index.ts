/** The tunnel layer: a public URL in front of the local receiver, supervised and self-tested. No `vscode`. */
export { backoffDelay, DEFAULT_BACKOFF } from '../backoff';
export type { BackoffOptions } from '../backoff';
export {
  CANARY_PATH_PREFIX,
  canaryResponse,
  canaryTokenFromPath,
  canaryUrl,
  checkCanaryAnswer,
  interceptCanary,
  isCanaryPath,
  newCanaryToken,
} from './canary';
export type { CanaryReply } from './canary';
export { cloudflaredInstallHint, createCloudflaredFactory, openCloudflared, publicUrlFromHostname } from './cloudflared';
export type { CloudflaredFactoryDeps } from './cloudflared';
export { PublicUrlWatch } from './publicUrlWatch';
export type { PublicUrlChange } from './publicUrlWatch';
export { createLocaltunnelFactory, DEFAULT_LOCALTUNNEL_HOST, openLocaltunnel } from './localtunnelFactory';
export type { LocaltunnelFactoryDeps, LocaltunnelHandshake } from './localtunnelFactory';
export { DEFAULT_OPEN_TIMEOUT_MS, DEFAULT_SELF_TEST_INTERVAL_MS, DEFAULT_SELF_TEST_TIMEOUT_MS, TunnelSupervisor } from './tunnelSupervisor';
export type { TunnelSupervisorOptions } from './tunnelSupervisor';
export { realClock, TUNNEL_MODES, TunnelOpenError } from './types';
export type {
  Clock,
  SelfTestResult,
  TunnelConnection,
  TunnelFactory,
  TunnelMode,
  TunnelOpenOptions,
  TunnelState,
  TunnelStatus,
} from './types';
