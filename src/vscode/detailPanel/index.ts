/** The event detail panel: the webview host (panel.ts), its actions (actions.ts) and the registration (register.ts). */
export { DetailPanel, DetailPanels, DETAIL_VIEW_TYPE } from './panel';
export { copyAsCurl, copyBody, type DetailDeps, RESEND_COMMAND, runAction, saveAsFixture } from './actions';
export { DETAIL_COMMANDS, eventIdOf, type EventDetailRegistration, type EventDetailOptions, registerEventDetail } from './register';
