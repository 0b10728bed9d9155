import * as vscode from 'vscode';
import { groupByDelivery, retryText } from '../core/delivery/attempts';
import { sanitizeLabel } from '../core/detail/displayText';
import type { CapturedEvent } from '../core/model/event';
import { type EventFilter, type GroupBy, groupEvents, matchesFilter, parseFilter, verdictOf } from '../core/eventQuery';
import { formatBytes, relativeTime } from '../core/format';
import { Disposable } from '../core/lifecycle';
import type { EventStore } from '../core/store';
import type { ReceiverController } from './receiverController';
import { verdictHint } from '../core/knobs';
import { vscodeWording } from './wording';
import { readState, STATE_KEYS, writeState } from './stateKeys';
import { CONTEXT_KEYS, setContextKey } from './contextKeys';

/** Live forwarding progress of one event, shown on its row until the delivery is recorded. */
type ForwardProgress = 'pending' | 'retrying';

export { EVENTS_VIEW_ID } from './shellIds';
/** Events shown before a "Show older…" node; each click shows this many more. */
export const PAGE_SIZE = 200;
/** The tree refreshes at most this often while events stream in. */
const REFRESH_DELAY_MS = 200;

export type EventsNode =
  | { readonly kind: 'event'; readonly event: CapturedEvent; readonly first?: CapturedEvent; readonly retries?: readonly CapturedEvent[] }
  | { readonly kind: 'group'; readonly key: string; readonly label: string; readonly events: readonly CapturedEvent[] }
  | { readonly kind: 'more'; readonly hidden: number };

export const GROUP_BY_LABELS: Record<GroupBy, string> = {
  none: 'No grouping',
  time: 'Time (Today, Yesterday, Older)',
  provider: 'Provider',
  eventType: 'Event type',
  path: 'Path',
  delivery: 'Delivery (retries under the first attempt)',
};

/**
 * The Events view: newest first, stable ids, grouping and filtering, refreshed in batches and only
 * while visible, with a "Show older…" row instead of thousands of siblings.
 */
export class EventsTreeProvider extends Disposable implements vscode.TreeDataProvider<EventsNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<EventsNode | undefined>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  private store: EventStore | undefined;
  private storeListener: vscode.Disposable | undefined;
  private view: vscode.TreeView<EventsNode> | undefined;
  private limit = PAGE_SIZE;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private dirty = false;
  private _filter: EventFilter | undefined;
  private bodyHits: Set<string> | undefined;
  private _groupBy: GroupBy;
  /**
   * Visible events after filtering, cached between refreshes: without a filter only the page shown (a store
   * loaded from disk parses an event when it is first asked for), with one every match. `shown`: how many match.
   */
  private visible: { events: readonly CapturedEvent[]; shown: number; total: number } | undefined;
  /** How many times the tree was told to refresh (for tests and the benchmark of batching). */
  refreshCount = 0;
  /** Events evicted by the maxEvents bound since the window opened; the view says so. */
  private evicted = 0;
  /** Events being delivered by live forwarding right now ("→ pending" / "→ retrying" on their rows). */
  private readonly forwardStates = new Map<string, ForwardProgress>();
  /** More lines for the view's message (tunnel failure, missing secret), from the context keys. */
  extraMessages: (() => string[]) | undefined;

  constructor(
    private readonly controller: ReceiverController,
    private readonly state: vscode.Memento,
  ) {
    super();
    this._groupBy = readState(state, STATE_KEYS.groupBy);
    this._register(controller.onDidChangeStore((store) => this.attach(store)));
    this._register(controller.onDidChangeStatus(() => this.updateMessage()));
    // Live forwarding shows "→ pending" / "→ retrying" until the delivery is recorded on the event.
    this._register(
      controller.onDidChangeForwardState((e) => {
        if (e.state === 'pending' || e.state === 'retrying') {
          this.forwardStates.set(e.eventId, e.state);
        } else {
          this.forwardStates.delete(e.eventId);
        }
        this.scheduleRefresh();
      }),
    );
    // Relative times ("2m ago") age: refresh them now and then while the view is visible.
    const tick = setInterval(() => this.view?.visible && this.scheduleRefresh(), 30_000);
    this._register({ dispose: () => clearInterval(tick) });
    this._register({ dispose: () => this.storeListener?.dispose() });
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
    void setContextKey(CONTEXT_KEYS.filtered, false);
  }

  get groupBy(): GroupBy {
    return this._groupBy;
  }

  get filter(): EventFilter | undefined {
    return this._filter;
  }

  /** Connects the provider to its view, so it can skip work while hidden and show messages. */
  bindView(view: vscode.TreeView<EventsNode>): void {
    this.view = view;
    this._register(
      view.onDidChangeVisibility((e) => {
        if (e.visible && this.dirty) {
          this.scheduleRefresh();
        }
      }),
    );
    this.updateMessage();
  }

  showMore(): void {
    this.limit += PAGE_SIZE;
    this.fire();
  }

  async setGroupBy(groupBy: GroupBy): Promise<void> {
    this._groupBy = groupBy;
    await writeState(this.state, STATE_KEYS.groupBy, groupBy);
    this.fire();
  }

  /** Applies a filter typed by the user (see `parseFilter`); bare words also search the bodies. */
  async setFilter(text: string | undefined): Promise<void> {
    this._filter = text ? parseFilter(text) : undefined;
    this.bodyHits = undefined;
    if (this._filter?.words.length) {
      const store = await this.controller.store();
      this.bodyHits = await store.searchBodies(this._filter.words);
    }
    void setContextKey(CONTEXT_KEYS.filtered, !!this._filter);
    this.limit = PAGE_SIZE;
    this.fire();
  }

  private attach(store: EventStore): void {
    this.storeListener?.dispose();
    this.store = store;
    this.storeListener = store.onDidChange((change) => {
      // What getChildren returns is recomputed at once; only telling VS Code is batched.
      this.visible = undefined;
      this.evicted += change.evicted;
      // New bodies are not in the body-search results yet: search them when a text filter is on.
      if (this._filter?.words.length && change.added.length && this.bodyHits) {
        void store.searchBodies(this._filter.words).then((hits) => {
          this.bodyHits = hits;
          this.scheduleRefresh();
        });
      }
      this.scheduleRefresh();
    });
    this.updateMessage();
    this.fire();
  }

  private scheduleRefresh(): void {
    if (this.view && !this.view.visible) {
      this.dirty = true;
      return;
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.fire();
      }, REFRESH_DELAY_MS);
    }
  }

  private fire(): void {
    this.dirty = false;
    this.visible = undefined;
    this.refreshCount++;
    this.updateMessage();
    this._onDidChangeTreeData.fire(undefined);
  }

  private computeVisible(store: EventStore): { events: readonly CapturedEvent[]; shown: number; total: number } {
    if (!this.visible) {
      if (this._filter) {
        const all = store.list();
        const events = all.filter((e) => matchesFilter(e, this._filter, this.bodyHits));
        this.visible = { events, shown: events.length, total: all.length };
      } else {
        this.visible = { events: store.list(0, this.limit), shown: store.size, total: store.size };
      }
    }
    return this.visible;
  }

  /** Events shown and stored, after filtering (undefined before the store is attached). */
  counts(): { shown: number; total: number } | undefined {
    if (!this.store) {
      return undefined;
    }
    const { shown, total } = this.computeVisible(this.store);
    return { shown, total };
  }

  refreshMessage(): void {
    this.updateMessage();
  }

  private updateMessage(): void {
    if (!this.view) {
      return;
    }
    const status = this.controller.status;
    const parts: string[] = [];
    // Only while events are listed: an empty view shows the welcome content for these states instead.
    if ((this.store?.size ?? 0) > 0) {
      parts.push(...(this.extraMessages?.() ?? []));
    }
    // (A view with a message shows no welcome content: when empty, the read-only welcome says more.)
    if (this.store?.readOnly && this.store.size > 0) {
      parts.push('Read-only: another window is using this event store.');
    }
    // With no events yet, the welcome content (Copy URL, an example) says more than a message would.
    if (status.state === 'running' && status.url && (this.store?.size ?? 0) > 0) {
      parts.push(`Listening on ${status.publicUrl ?? status.url}`);
    }
    if (this.evicted > 0) {
      parts.push(
        `${this.evicted} oldest unpinned events were removed to stay under webhookInspector.maxEvents (${this.store?.maxEventsLimit ?? ''}); pin events to keep them.`,
      );
    }
    let filteredEmpty = false;
    if (this._filter && this.store) {
      const { shown, total } = this.computeVisible(this.store);
      filteredEmpty = shown === 0;
      parts.push(`Filter "${this._filter.text}": ${shown} of ${total} events.`);
    }
    // A filter that matches nothing leaves the view empty: its welcome content (Clear Filter) says more,
    // and VS Code hides welcome content while a view has a message.
    this.view.message = parts.length && !filteredEmpty ? parts.join(' · ') : undefined;
    this.view.description = this.store && this.store.size > 0 ? (this._filter ? 'filtered' : `${this.store.size}`) : undefined;
  }

  async getChildren(element?: EventsNode): Promise<EventsNode[]> {
    if (element?.kind === 'group') {
      return element.events.map((event) => this.eventNode(event));
    }
    if (element?.kind === 'event' && element.retries?.length) {
      return element.retries.map((event) => this.eventNode(event));
    }
    if (element) {
      return [];
    }
    const store = this.store ?? (await this.controller.store());
    if (this.store !== store) {
      this.attach(store);
    }
    const { events, shown } = this.computeVisible(store);
    const page = events.slice(0, this.limit);
    const nodes: EventsNode[] =
      this._groupBy === 'none'
        ? page.map((event) => this.eventNode(event))
        : this._groupBy === 'delivery'
          ? groupByDelivery(page).map((g) => ({ ...this.eventNode(g.head), retries: g.retries }))
          : groupEvents(page, this._groupBy).map((g) => ({ kind: 'group', key: g.key, label: g.label, events: g.events }));
    if (shown > page.length) {
      nodes.push({ kind: 'more', hidden: shown - page.length });
    }
    return nodes;
  }

  getTreeItem(node: EventsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'more': {
        const item = new vscode.TreeItem(`Show older… (${node.hidden} more)`);
        item.id = 'webhookInspector.showOlder';
        item.iconPath = new vscode.ThemeIcon('ellipsis');
        item.command = { command: 'webhookInspector.showOlderEvents', title: 'Show Older Events' };
        item.contextValue = 'webhookMore';
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `group:${this._groupBy}:${node.key}`;
        item.description = `${node.events.length}`;
        item.contextValue = 'webhookGroup';
        item.iconPath = new vscode.ThemeIcon(
          this._groupBy === 'time' ? 'calendar' : this._groupBy === 'path' ? 'symbol-folder' : 'symbol-namespace',
        );
        return item;
      }
      case 'event': {
        const item = eventTreeItem(node.event, new Date(), node.first, this.forwardStates);
        if (node.retries?.length) {
          item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
          item.description = `${node.retries.length + 1} attempts · ${item.description as string}`;
        }
        return item;
      }
    }
  }

  /** An event row, with its first attempt when it is a repeat (for "retry 2 of evt_…, +1m 03s"). */
  private eventNode(event: CapturedEvent): EventsNode {
    const first = event.duplicateOf ? this.store?.get(event.duplicateOf) : undefined;
    return first ? { kind: 'event', event, first } : { kind: 'event', event };
  }

  getParent(): undefined {
    return undefined;
  }
}

const VERDICT_ICONS: Record<string, vscode.ThemeIcon> = {
  verified: new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed')),
  invalid: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  unverified: new vscode.ThemeIcon('circle-large-outline'),
};

/** The row of one event. */
export function eventTreeItem(
  event: CapturedEvent,
  now = new Date(),
  first?: CapturedEvent,
  forwardStates: ReadonlyMap<string, ForwardProgress> = new Map(),
): vscode.TreeItem {
  const path = displayText(event.url, 120);
  const item = new vscode.TreeItem(event.eventType ? displayText(event.eventType, 80) : `${event.method} ${path}`);
  item.id = event.id;
  const verdict = verdictOf(event);
  const last = event.deliveries?.[event.deliveries.length - 1];
  const live = forwardStates.get(event.id);
  const delivered = live
    ? `→ ${live}`
    : last
      ? last.status !== undefined && last.status < 400
        ? `→ ${last.status}`
        : last.state === 'retrying'
          ? '→ retrying'
          : `→ ${last.status ?? 'failed'}`
      : undefined;
  const retry = retryText(event, first);
  const parts = [
    retryText(event, first, true),
    delivered,
    event.pinned ? 'pinned' : undefined,
    event.provider,
    event.eventType ? `${event.method} ${path}` : undefined,
    relativeTime(event.receivedAt, now),
    formatBytes(event.size),
  ];
  item.description = parts.filter(Boolean).join(' · ');
  const tokens = ['webhookEvent', verdict, event.pinned ? 'pinned' : 'unpinned'];
  if (event.rejected) {
    tokens.push('rejected');
  }
  if (event.handshake) {
    tokens.push('handshake');
  }
  if (event.duplicateOf) {
    tokens.push('duplicate');
  }
  if (last) {
    tokens.push(last.status !== undefined && last.status < 400 ? 'delivered' : 'deliveryFailed');
  }
  item.contextValue = tokens.join('+');
  item.iconPath = event.rejected
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
    : event.handshake
      ? new vscode.ThemeIcon('plug')
      : VERDICT_ICONS[verdict];
  item.tooltip = eventTooltip(event, verdict, retry);
  item.command = {
    command: 'webhookInspector.showEventDetail',
    title: 'Show Event Details',
    arguments: [event.id, { preserveFocus: true }],
  };
  const verdictWords = event.verification ? `, signature ${verdict}` : '';
  item.accessibilityInformation = {
    label: `${item.label as string}, ${item.description}${verdictWords}, answered ${event.response.status}`,
  };
  return item;
}

function eventTooltip(event: CapturedEvent, verdict: string, retry: string | undefined): vscode.MarkdownString {
  // Payload text goes in only through appendText, which escapes Markdown; nothing is trusted or HTML.
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.supportHtml = false;
  const line = (text: string) => {
    md.appendText(text);
    md.appendMarkdown('  \n');
  };
  if (event.eventType) {
    line(displayText(event.eventType, 300));
  }
  line(`${event.method} ${displayText(event.url, 300)}`);
  md.appendMarkdown('\n');
  line(`Received ${new Date(event.receivedAt).toLocaleString()} from ${event.remoteAddress || 'unknown'}`);
  line(`Body ${formatBytes(event.size)} · answered ${event.response.status} · ${event.headers.length} headers`);
  if (event.provider) {
    line(`Provider: ${event.provider}`);
  }
  if (retry) {
    line(`Repeat: ${retry} (same delivery id ${displayText(event.deliveryId ?? '', 120)})`);
  } else if (event.deliveryId) {
    line(`Delivery id: ${displayText(event.deliveryId, 120)}${event.attempt !== undefined ? ` (attempt ${event.attempt})` : ''}`);
  }
  const v = event.verification;
  if (v) {
    md.appendMarkdown('\n');
    line(`Signature: ${verdict} (${v.status})`);
    line(v.reason);
    const hint = verdictHint(v, vscodeWording);
    if (hint) {
      line(`What to do: ${hint}`);
    }
  }
  if (event.handshake) {
    line(`Handshake answered automatically: ${event.handshake}`);
  }
  if (event.rejected === 'body-too-large') {
    line(`The body was over the receiver's size limit and was not kept. ${vscodeWording({ knob: 'maxBodySize' })}`);
  }
  const last = event.deliveries?.[event.deliveries.length - 1];
  if (last) {
    md.appendMarkdown('\n');
    line(
      `Last delivery: ${last.status !== undefined ? `${last.status} in ${last.durationMs} ms` : (last.error ?? 'failed')} → ${last.target}${last.resigned ? ' (re-signed)' : ''}`,
    );
  }
  line(`Id ${event.id}`);
  return md;
}

/** Paths and types can be anything a sender typed: keep rows short and free of control characters. */
function displayText(text: string, max: number): string {
  return sanitizeLabel(text, max);
}
