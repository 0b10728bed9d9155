/** Resending and live forwarding in VS Code: the service (state), target picking, sample sending, the delivery UI. */
export { ForwardingService } from './service';
export { pickSample, sendSampleEvent, type SampleArgs } from './samples';
export { pickTarget, rememberTarget } from './targets';
export { announceDeliveries, showDelivery } from './deliveryUi';
