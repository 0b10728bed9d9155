/** The route commands' ids, apart from their code: registered as stand-ins at activation (see RouteFeatures). */
export const SEND_LATEST_COMMAND = 'webhookInspector.sendLatestToRoute';
export const SEND_PICK_COMMAND = 'webhookInspector.sendToRoute';
export const GO_TO_HANDLER_COMMAND = 'webhookInspector.goToHandler';
export const RESCAN_ROUTES_COMMAND = 'webhookInspector.rescanRoutes';
