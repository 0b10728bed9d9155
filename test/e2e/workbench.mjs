// Drives the VS Code workbench (code-server in Chromium) the way a user does: command palette,
// activity bar, tree rows, status bar, quick picks. Everything it reads is what is on screen (DOM
// text and accessibility labels), never the extension's internal state.
/* global document, window */

/** Polls `probe` until it returns a truthy value; the error names `what` and the last observation. */
export async function poll(probe, { timeout = 30_000, interval = 250, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) {
        return value;
      }
      last = value;
    } catch (e) {
      last = e instanceof Error ? e.message : e;
    }
    if (Date.now() > deadline) {
      throw new Error(`${what}: not reached within ${Math.round(timeout / 1000)} s (last seen: ${JSON.stringify(last)?.slice(0, 500)})`);
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}

/**
 * The receiver URL from the status bar item: its text is the URL without the scheme
 * ("127.0.0.1:PORT", or the tunnel's public host); its accessible label names the full URL.
 */
export function urlFromStatusItem(item) {
  const shown = item.text.trim().split(/\s+/).pop();
  const inLabel = [...item.label.matchAll(/https?:\/\/[^\s]+?(?=\.?(\s|$))/g)]
    .map((m) => m[0])
    .find((u) => u.replace(/^https?:\/\//, '') === shown.replace(/\/$/, ''));
  if (inLabel) {
    return new URL(inLabel).href;
  }
  if (/^https?:\/\//.test(shown)) {
    return new URL(shown).href;
  }
  return new URL(`${/^(127\.0\.0\.1|localhost)(:|$)/.test(shown) ? 'http' : 'https'}://${shown}`).href;
}

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page, { timeout = 60_000, log = console.log } = {}) {
    this.page = page;
    this.timeout = timeout;
    this.log = log;
  }

  /** Waits for the workbench (activity bar and status bar) after a load or reload. */
  async waitReady() {
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ state: 'visible', timeout: this.timeout });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: this.timeout });
  }

  /** Moves the mouse to an empty spot of the title bar, so no hover covers what is read or clicked. */
  async parkMouse() {
    await this.page.mouse.move(240, 12);
  }

  /** Closes the palette, menus and hovers. */
  async escape() {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('Escape');
  }

  /**
   * Runs a command by its palette title ("Category: Title"), as typed into the palette. The palette
   * lists an extension's commands only once the extension host has registered them, so it reopens
   * the palette until the entry is there. Picks the row whose label is exactly `title`.
   * (A retry presses Escape, which clears a focused tree's selection: keepSelection callers check.)
   */
  async runCommand(title, { timeout = this.timeout, keepSelection = false } = {}) {
    const page = this.page;
    const deadline = Date.now() + timeout;
    for (let attempt = 1; ; attempt++) {
      // Escape closes menus and hovers, but in a focused tree it also clears the selection: commands
      // that act on the selected rows pass keepSelection.
      if (!keepSelection || attempt > 1) {
        await this.escape();
      }
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout });
      await input.fill(`>${title}`);
      const row = this.quickPickRow(title);
      try {
        await row.waitFor({ state: 'visible', timeout: 3000 });
      } catch {
        if (Date.now() > deadline) {
          const listed = await this.quickPickLabels();
          throw new Error(`command "${title}" is not in the command palette after ${attempt} tries; it lists: ${JSON.stringify(listed)}`);
        }
        continue;
      }
      await this.acceptQuickPickRow(title);
      this.log(`ran "${title}" from the command palette (try ${attempt})`);
      return;
    }
  }

  /** The quick pick row whose label is exactly `label`. */
  quickPickRow(label) {
    const exact = new RegExp(`^\\s*${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
    return this.page
      .locator('.quick-input-widget .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exact }) })
      .first();
  }

  async quickPickLabels() {
    return this.page
      .locator('.quick-input-widget .monaco-list-row .label-name')
      .allInnerTexts()
      .catch(() => []);
  }

  /** Opens the quick pick with `command`, types `item` and picks the row labelled exactly `item`. */
  async pickFromCommand(command, item) {
    await this.runCommand(command);
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: this.timeout });
    await input.fill(item);
    await this.quickPickRow(item).waitFor({ state: 'visible', timeout: this.timeout });
    await this.acceptQuickPickRow(item);
  }

  /** With the keyboard, as a user does: arrow down to the row labelled exactly `label`, then Enter. */
  async acceptQuickPickRow(label) {
    const focused = this.page.locator('.quick-input-widget .monaco-list-row.focused .label-name').first();
    for (let i = 0; i < 50; i++) {
      const text = (await focused.innerText({ timeout: 2000 }).catch(() => '')).trim();
      if (text === label) {
        await this.page.keyboard.press('Enter');
        await this.page
          .locator('.quick-input-widget')
          .waitFor({ state: 'hidden', timeout: 10_000 })
          .catch(() => {});
        return;
      }
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`no quick pick row labelled "${label}"; rows: ${JSON.stringify(await this.quickPickLabels())}`);
  }

  /**
   * Right-clicks the tree row containing `rowText` and runs the context menu entry `label`.
   * `beforeClick(item)` runs once the menu shows (e.g. for a screenshot).
   */
  async contextMenu(rowText, label, beforeClick = async () => {}) {
    const row = this.page.getByRole('treeitem').filter({ hasText: rowText }).first();
    await row.click({ button: 'right' });
    const item = this.page.locator('.monaco-menu .action-menu-item').filter({ hasText: label }).first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    await beforeClick(item);
    // Menus fade in: a click that lands during the animation is dropped. Click until the menu closes,
    // then fall back to the keyboard (hover highlights the entry).
    for (let attempt = 0; attempt < 3 && (await item.isVisible().catch(() => false)); attempt++) {
      await this.page.waitForTimeout(300);
      await item.click().catch(() => undefined);
      await this.page.waitForTimeout(700);
    }
    if (await item.isVisible().catch(() => false)) {
      await item.hover().catch(() => undefined);
      await this.page.keyboard.press('Enter');
    }
  }

  /** Waits for an input box whose title contains `title`, types `value` and presses Enter. */
  async answerInputBox(title, value) {
    const widget = this.page.locator('.quick-input-widget');
    await poll(
      async () =>
        (await widget.isVisible()) &&
        (
          await widget
            .locator('.quick-input-title')
            .innerText()
            .catch(() => '')
        ).includes(title),
      {
        timeout: this.timeout,
        what: `an input box titled "${title}"`,
      },
    );
    const input = widget.locator('input').first();
    await input.fill(value);
    await this.page.keyboard.press('Enter');
  }

  /** The activity bar entry with this title (its accessible name starts with the title). */
  activityBarItem(title) {
    return this.page.locator(`.part.activitybar li.action-item:has(a.action-label[aria-label^="${title}"])`).first();
  }

  /**
   * Clicks the activity bar entry unless its container is already shown (a click on the selected
   * entry hides the side bar). Right after a (re)load the workbench restores its layout on its own,
   * so it first gives that a moment, and clicks again if a click toggled the side bar away.
   */
  async openViewContainer(title) {
    const item = this.activityBarItem(title);
    await item.waitFor({ state: 'visible', timeout: this.timeout });
    const shown = () => this.isContainerShown(title);
    if (!(await poll(shown, { timeout: 3000, what: 'restored layout' }).catch(() => false))) {
      for (let click = 1; ; click++) {
        await item.click();
        if (await poll(shown, { timeout: 5000, what: `side bar shows "${title}"` }).catch(() => false)) {
          this.log(`opened "${title}" from the activity bar`);
          break;
        }
        if (click === 3) {
          throw new Error(
            `the side bar does not show "${title}" after ${click} clicks on its activity bar entry (side bar title: "${await this.sidebarTitle()}")`,
          );
        }
      }
    }
    await this.parkMouse();
  }

  /** Drags the sash between the side bar and the editor so that the side bar is about `width` px wide. */
  async setSidebarWidth(width) {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box) {
      throw new Error('the side bar is not visible');
    }
    const edge = box.x + box.width;
    const sashes = await this.page.locator('.monaco-sash.vertical').evaluateAll((els) =>
      els
        .map((e) => e.getBoundingClientRect())
        .filter((r) => r.width > 0 && r.height > 0)
        .map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2, h: r.height })),
    );
    const sash = sashes.filter((r) => r.h > box.height / 2).sort((a, b) => Math.abs(a.x - edge) - Math.abs(b.x - edge))[0];
    if (!sash || Math.abs(sash.x - edge) > 20) {
      throw new Error(`no sash at the side bar's edge (x ${edge}); sashes: ${JSON.stringify(sashes)}`);
    }
    await this.page.mouse.move(sash.x, sash.y);
    await this.page.mouse.down();
    await this.page.mouse.move(sash.x + (box.x + width - edge), sash.y, { steps: 10 });
    await this.page.mouse.up();
    await this.parkMouse();
  }

  /** Waits (at most `timeout`) until no status bar item shows a spinner; false if one still does. */
  async settleStatusBar(timeout = 30_000) {
    return poll(async () => !(await this.statusBarItems()).some((i) => i.icons.some((c) => /loading|sync/.test(c ?? ''))), {
      timeout,
      what: 'status bar without spinners',
    }).catch(() => false);
  }

  /** True when the side bar is visible and its activity bar entry is the selected one. */
  async isContainerShown(title) {
    const selected = await this.activityBarItem(title)
      .evaluate((e) => e.classList.contains('checked') || e.getAttribute('aria-selected') === 'true')
      .catch(() => false);
    return selected && (await this.page.locator('.part.sidebar').isVisible());
  }

  /** The title of the side bar ("Webhook Inspector: Events"; '' when the side bar is hidden). */
  async sidebarTitle() {
    const h2 = this.page.locator('.part.sidebar .composite.title h2').first();
    return (await h2.isVisible().catch(() => false)) ? (await h2.innerText()).trim() : '';
  }

  /** Visible rows of the trees/lists in the side bar: their text and accessible label. */
  async sidebarRows() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('.part.sidebar .monaco-list-row')]
        .filter((e) => e.getClientRects().length > 0)
        .map((e) => ({ text: e.innerText.replace(/\s+/g, ' ').trim(), label: e.getAttribute('aria-label') ?? '' })),
    );
  }

  /**
   * Waits until, for every expectation, a side bar row contains one of its texts. An expectation is
   * { name, anyOf: [text, …] } so that a row may be labelled by method + path or by event type.
   */
  async waitForRows(expected, { timeout = this.timeout } = {}) {
    return poll(
      async () => {
        const rows = await this.sidebarRows();
        const found = expected.map((x) => rows.find((r) => x.anyOf.some((t) => r.text.includes(t) || r.label.includes(t))));
        return found.every(Boolean) ? found : false;
      },
      { timeout, what: `side bar rows for ${expected.map((x) => x.name).join(', ')}` },
    );
  }

  /** Clicks the side bar row that contains `text`. */
  async clickRow(text) {
    const row = this.page.locator('.part.sidebar .monaco-list-row', { hasText: text }).first();
    await row.waitFor({ state: 'visible', timeout: this.timeout });
    await row.click();
    await this.parkMouse();
  }

  /** Waits until one webview frame (nested iframes) shows every one of `texts`; returns its text. */
  async waitForWebviewTexts(texts, { timeout = this.timeout } = {}) {
    return poll(
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame() || !/webview/i.test(frame.url()) || /webWorkerExtensionHost/i.test(frame.url())) {
            continue;
          }
          const body = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
          if (texts.every((x) => body.includes(x))) {
            return body;
          }
        }
        return false;
      },
      { timeout, what: `a webview showing ${texts.map((x) => JSON.stringify(x)).join(' and ')}` },
    );
  }

  /** The frame of the detail panel's own document (the one with `#root`), inside the webview's iframes. */
  async detailFrame({ timeout = 10_000 } = {}) {
    return poll(
      async () => {
        for (const frame of this.page.frames()) {
          if (
            frame !== this.page.mainFrame() &&
            /webview/i.test(frame.url()) &&
            (await frame.evaluate(() => !!document.getElementById('root')).catch(() => false))
          ) {
            return frame;
          }
        }
        return false;
      },
      { timeout, what: 'the detail panel webview frame' },
    );
  }

  /** The HTML of every webview frame (outer host frames and inner documents). */
  async webviewDocuments() {
    const out = [];
    for (const frame of this.page.frames()) {
      if (frame !== this.page.mainFrame() && /webview/i.test(frame.url()) && !/webWorkerExtensionHost/i.test(frame.url())) {
        out.push(await frame.content().catch(() => ''));
      }
    }
    return out.filter(Boolean);
  }

  /** Status bar entries as shown: text, codicons and accessible label. */
  async statusBarItems() {
    return this.page.evaluate(() =>
      [...document.querySelectorAll('.part.statusbar .statusbar-item')]
        .filter((e) => e.getClientRects().length > 0)
        .map((e) => ({
          id: e.id,
          text: e.innerText.replace(/\s+/g, ' ').trim(),
          icons: [...e.querySelectorAll('.codicon')].map((i) =>
            [...i.classList].find((c) => c.startsWith('codicon-') && c !== 'codicon-modifier-spin')?.slice(8),
          ),
          label: e.querySelector('a')?.getAttribute('aria-label') ?? '',
        })),
    );
  }

  /** Reloads the window through the palette and waits for the new workbench. */
  async reloadWindow() {
    await this.page.evaluate(() => {
      window.__wiBeforeReload = true;
    });
    await this.runCommand('Developer: Reload Window');
    await poll(() => this.page.evaluate(() => !window.__wiBeforeReload).catch(() => false), {
      timeout: this.timeout,
      what: 'the page reloads',
    });
    await this.waitReady();
  }

  /** Opens a workspace file through Quick Open (Ctrl+P). */
  async quickOpen(fileName) {
    await this.escape();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: this.timeout });
    await input.fill(fileName);
    await this.quickPickRow(fileName).waitFor({ state: 'visible', timeout: this.timeout });
    await this.acceptQuickPickRow(fileName);
    await this.page.locator(`.tabs-container .tab[aria-label^="${fileName}"]`).first().waitFor({ state: 'visible', timeout: this.timeout });
  }

  /** The light/dark kind of the current color theme, from the workbench's classes. */
  async themeKind() {
    return this.page.evaluate(() => {
      const c = document.querySelector('.monaco-workbench')?.classList;
      return c?.contains('vs-dark')
        ? 'dark'
        : c?.contains('hc-black') || c?.contains('hc-light')
          ? 'high-contrast'
          : c?.contains('vs')
            ? 'light'
            : 'unknown';
    });
  }

  /** What is on screen, for failure messages: side bar, notifications, status bar, dialogs, webviews. */
  async screenText() {
    const page = this.page;
    const main = await page
      .evaluate(() => {
        const visible = (sel) =>
          [...document.querySelectorAll(sel)]
            .filter((e) => e.getClientRects().length > 0)
            .map((e) => e.innerText.replace(/\n{2,}/g, '\n').trim())
            .filter(Boolean);
        return {
          sidebar: visible('.part.sidebar'),
          notifications: visible('.notifications-toasts .notification-toast, .notifications-center .notification-list-item'),
          statusBar: [...document.querySelectorAll('.part.statusbar .statusbar-item')]
            .filter((e) => e.getClientRects().length > 0)
            .map((e) => `${e.innerText.trim()} [${e.querySelector('a')?.getAttribute('aria-label') ?? ''}]`),
          quickInput: visible('.quick-input-widget'),
          dialogs: visible('.monaco-dialog-box'),
          editorTabs: visible('.part.editor .tabs-container'),
          panel: visible('.part.panel').map((t) => t.slice(0, 2000)),
        };
      })
      .catch((e) => ({ error: `page not readable: ${e.message}` }));
    const frames = [];
    for (const frame of page.frames()) {
      // Webviews only (nested iframes); not the web worker extension host's iframe.
      if (frame === page.mainFrame() || !/webview/i.test(frame.url()) || /webWorkerExtensionHost/i.test(frame.url())) {
        continue;
      }
      const text = await frame.evaluate(() => document.body?.innerText ?? '').catch(() => '');
      if (text.trim()) {
        frames.push(`${frame.url().slice(0, 60)}: ${text.trim().slice(0, 1500)}`);
      }
    }
    return { ...main, webviews: frames };
  }
}

/** Formats screenText() for a failure message. */
export function formatScreen(screen) {
  return Object.entries(screen)
    .filter(([, v]) => (Array.isArray(v) ? v.length : v))
    .map(
      ([k, v]) =>
        `  ${k}:\n${[]
          .concat(v)
          .map((t) => `    | ${String(t).replace(/\n/g, '\n    | ')}`)
          .join('\n')}`,
    )
    .join('\n');
}
