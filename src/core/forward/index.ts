/**
 * Resend and live forwarding: pure core (no `vscode`). See README.md in this folder.
 */
export type { Delivery, DeliveryKind, ForwardState } from '../model/delivery';
export type { OutgoingRequest, Sleep, Transport, TransportOptions, TransportResponse } from './types';
export { DEFAULT_MAX_RESPONSE_BYTES, DeliveryError, realSleep } from './types';
export { forwardableHeaders, replaceHeaders } from './headers';
export type { HostGuardOptions } from './target';
export { DEFAULT_TARGET, HostGuard, TargetError, isLoopbackHost, loopbackOnlyGuard, parseTarget, targetPath } from './target';
export type { HttpTransport, HttpTransportOptions } from './transport';
export { DEFAULT_KEEP_ALIVE_IDLE_MS, createHttpTransport, httpTransport } from './transport';
export type {
  PreflightCode,
  PreflightOptions,
  PreflightResult,
  PreflightWarning,
  PreparedRequest,
  ResendSource,
  ResignMode,
  ResignPlan,
  SigningOptions,
} from './prepare';
export { ResendError, preflight, prepareRequest, resignPlan } from './prepare';
export type { DeliveryLogOptions, DeliveryStore } from './deliveryLog';
export { DeliveryLog, deliveriesOf } from './deliveryLog';
export { isRetryable, isSuccess } from './deliver';
export type { IdempotencyReport, ResendOptions, ResendTimesOptions } from './resend';
export { ConfirmationRequiredError, resend, resendTimes, sendEdited } from './resend';
export type { RouteRule } from './routing';
export { eventType, routeTargets } from './routing';
export type { BackoffOptions } from '../backoff';
export { backoffDelay } from '../backoff';
export type { ForwardStateChange, ForwarderOptions, ProxyRequest, ResponseMode } from './forwarder';
export { Forwarder, replyFor } from './forwarder';
export type { SampleInfo, SampleOptions, SampleRequest, SendSampleOptions } from './samples';
export { buildSample, samples, sendSample, signSample } from './samples';
export { InFlightDeliveries, type InFlightDelivery } from './inFlight';
