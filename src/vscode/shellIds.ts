/**
 * The ids activation registers stand-ins under (see src/extension.ts), apart from the code behind them,
 * which loads on first use: activation requires this file, not the modules that own these ids.
 */

/** The Events view (package.json `contributes.views`). */
export const EVENTS_VIEW_ID = 'webhookInspector.events';
/** The detail panel's webview type (its serializer restores panels after a reload: `onWebviewPanel:`). */
export const DETAIL_VIEW_TYPE = 'webhookInspector.eventDetail';
/** The read-only documents of captured bodies. */
export const BODY_SCHEME = 'webhook-body';
/** The read-only documents the Compare commands show side by side (restored diff editors ask for them after a reload). */
export const COMPARE_SCHEME = 'webhook-compare';
