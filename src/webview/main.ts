/**
 * The event detail webview (browser bundle, dist/webview.js). Renders what the host posts, keeps
 * only UI state (which event, which sections are folded), and turns clicks into typed messages.
 */
import { SECTION_IDS, isHostMessage, toUiState } from '../core/detail/protocol';
import type { DetailSnapshot, DetailUiState, WebviewMessage } from '../core/detail/protocol';
import { renderDetail, renderLoading, renderMissing } from './render';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: DetailUiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
let ui: DetailUiState = toUiState(api.getState());
let current: DetailSnapshot | undefined;
const root = document.getElementById('root') ?? document.body;

function saveState(): void {
  api.setState(ui);
}

function show(snapshot: DetailSnapshot): void {
  const sameEvent = current?.eventId === snapshot.eventId;
  const scroll = sameEvent ? window.scrollY : 0;
  current = snapshot;
  if (ui.eventId !== snapshot.eventId) {
    ui = { eventId: snapshot.eventId, collapsed: ui.collapsed };
    saveState();
  }
  root.replaceChildren(renderDetail(snapshot, document, { collapsed: new Set(ui.collapsed) }));
  document.title = snapshot.title;
  window.scrollTo(0, scroll);
}

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg = e.data;
  if (!isHostMessage(msg)) {
    return;
  }
  if (msg.type === 'snapshot') {
    show(msg.snapshot);
  } else {
    current = undefined;
    root.replaceChildren(renderMissing(msg.message, document));
  }
});

root.addEventListener('click', (e) => {
  const target = e.target instanceof Element ? e.target.closest('button[data-action]') : null;
  if (!target || !current) {
    return;
  }
  const action = target.getAttribute('data-action');
  const index = Number(target.getAttribute('data-index'));
  const eventId = current.eventId;
  let msg: WebviewMessage | undefined;
  if (action === 'copyHeader' || action === 'copyQuery') {
    msg = { type: action, eventId, index };
  } else if (
    action === 'openInEditor' ||
    action === 'openEditableCopy' ||
    action === 'copyCurl' ||
    action === 'copyBody' ||
    action === 'saveFixture' ||
    action === 'resend' ||
    action === 'goToHandler'
  ) {
    msg = { type: 'action', action, eventId };
  }
  if (msg) {
    api.postMessage(msg);
  }
});

// `toggle` does not bubble: listen in the capture phase. Only sections are remembered.
root.addEventListener(
  'toggle',
  (e) => {
    const el = e.target;
    if (!(el instanceof HTMLDetailsElement)) {
      return;
    }
    const id = el.getAttribute('data-section');
    if (!id || !(SECTION_IDS as readonly string[]).includes(id)) {
      return;
    }
    const collapsed = new Set(ui.collapsed);
    if (el.open) {
      collapsed.delete(id);
    } else {
      collapsed.add(id);
    }
    ui = { ...ui, collapsed: [...collapsed] };
    saveState();
  },
  true,
);

root.replaceChildren(renderLoading(document));
// The host posts nothing before this: messages sent earlier would be lost.
api.postMessage({ type: 'ready' });
