import * as vscode from 'vscode';
import type { CapturedEvent } from '../core/event';
import { formatBytes, relativeTime } from '../core/format';
import { Disposable } from '../core/lifecycle';
import type { EventStore } from '../core/store';
import type { ReceiverController } from './receiverController';

export const EVENTS_VIEW_ID = 'webhookInspector.events';
/** Events shown before a "Show older…" node; each click shows this many more. */
export const PAGE_SIZE = 200;
/** The tree refreshes at most this often while events stream in. */
const REFRESH_DELAY_MS = 200;

export type EventsNode = { readonly kind: 'event'; readonly event: CapturedEvent } | { readonly kind: 'more'; readonly hidden: number };

/**
 * The Events view: newest first, one row an event, stable ids, refreshed in batches and only while
 * visible, with a "Show older…" row instead of thousands of siblings.
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
  /** How many times the tree was told to refresh (for tests and the benchmark of batching). */
  refreshCount = 0;

  constructor(private readonly controller: ReceiverController) {
    super();
    this._register(controller.onDidChangeStore((store) => this.attach(store)));
    this._register(controller.onDidChangeStatus(() => this.updateMessage()));
    // Relative times ("2m ago") age: refresh them now and then while the view is visible.
    const tick = setInterval(() => this.view?.visible && this.scheduleRefresh(), 30_000);
    this._register({ dispose: () => clearInterval(tick) });
    this._register({ dispose: () => this.storeListener?.dispose() });
    this._register({ dispose: () => this.timer && clearTimeout(this.timer) });
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

  private attach(store: EventStore): void {
    this.storeListener?.dispose();
    this.store = store;
    this.storeListener = store.onDidChange(() => this.scheduleRefresh());
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
    this.refreshCount++;
    this.updateMessage();
    this._onDidChangeTreeData.fire(undefined);
  }

  private updateMessage(): void {
    if (!this.view) {
      return;
    }
    const status = this.controller.status;
    const parts: string[] = [];
    if (this.store?.readOnly) {
      parts.push('Read-only: another window is using this event store.');
    }
    if (status.state === 'running' && status.url) {
      parts.push(`Listening on ${status.url}`);
    }
    this.view.message = parts.length ? parts.join(' ') : undefined;
    this.view.description = this.store && this.store.size > 0 ? `${this.store.size}` : undefined;
  }

  async getChildren(element?: EventsNode): Promise<EventsNode[]> {
    if (element) {
      return [];
    }
    const store = this.store ?? (await this.controller.store());
    if (this.store !== store) {
      this.attach(store);
    }
    const events = store.list(0, this.limit);
    const nodes: EventsNode[] = events.map((event) => ({ kind: 'event', event }));
    if (store.size > events.length) {
      nodes.push({ kind: 'more', hidden: store.size - events.length });
    }
    return nodes;
  }

  getTreeItem(node: EventsNode): vscode.TreeItem {
    if (node.kind === 'more') {
      const item = new vscode.TreeItem(`Show older… (${node.hidden} more)`);
      item.id = 'webhookInspector.showOlder';
      item.iconPath = new vscode.ThemeIcon('ellipsis');
      item.command = { command: 'webhookInspector.showOlderEvents', title: 'Show Older Events' };
      item.contextValue = 'webhookMore';
      return item;
    }
    return eventTreeItem(node.event);
  }

  getParent(): undefined {
    return undefined;
  }
}

/** The row of one event. Pure apart from the vscode types, so it is easy to reason about. */
export function eventTreeItem(event: CapturedEvent, now = new Date()): vscode.TreeItem {
  const item = new vscode.TreeItem(`${event.method} ${displayPath(event.url)}`);
  item.id = event.id;
  item.description = `${relativeTime(event.receivedAt, now)} · ${formatBytes(event.size)}`;
  const tokens = ['webhookEvent'];
  if (event.rejected) {
    tokens.push('rejected');
  }
  if (event.pinned) {
    tokens.push('pinned');
  }
  item.contextValue = tokens.join('+');
  item.iconPath = event.rejected
    ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
    : event.pinned
      ? new vscode.ThemeIcon('pinned')
      : new vscode.ThemeIcon('mail');
  const tooltip = new vscode.MarkdownString(undefined, false);
  tooltip.isTrusted = false;
  tooltip.supportHtml = false;
  tooltip.appendText(`${event.method} ${event.url}`);
  tooltip.appendMarkdown('\n\n');
  tooltip.appendText(`Received ${new Date(event.receivedAt).toLocaleString()} from ${event.remoteAddress || 'unknown'}`);
  tooltip.appendMarkdown('  \n');
  tooltip.appendText(`Body ${formatBytes(event.size)} · answered ${event.response.status} · ${event.headers.length} headers`);
  tooltip.appendMarkdown('  \n');
  tooltip.appendText(`Id ${event.id}`);
  if (event.rejected === 'body-too-large') {
    tooltip.appendMarkdown('\n\n');
    tooltip.appendText('The body was over webhookInspector.maxBodySize and was not kept.');
  }
  item.tooltip = tooltip;
  item.accessibilityInformation = { label: `${event.method} ${displayPath(event.url)}, ${item.description}, answered ${event.response.status}` };
  return item;
}

/** Paths can be anything a sender typed: keep rows short and free of control characters. */
function displayPath(url: string): string {
  const clean = url.replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, '\uFFFD');
  return clean.length > 120 ? `${clean.slice(0, 119)}…` : clean;
}
