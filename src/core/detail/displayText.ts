/**
 * Display helpers for text that came from a request. The result is still only ever rendered as
 * text; these make invisible or misleading characters visible and keep strings a sane size.
 */

/** Bidirectional-control characters that can make text read differently from what it is (Trojan Source). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** C0 controls and DEL, except tab, line feed and carriage return. */
const CONTROLS_MULTILINE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
/** Every C0 control and DEL (tab, LF and CR included), for one-line fields. */
const CONTROLS_SINGLE_LINE = /[\u0000-\u001f\u007f]/g;

function controlPicture(ch: string): string {
  const code = ch.charCodeAt(0);
  return code === 0x7f ? '\u2421' : String.fromCharCode(0x2400 + code);
}

function bidiMarker(ch: string): string {
  return `\u27e6U+${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}\u27e7`;
}

/**
 * Shows control characters as Unicode control pictures (␀, ␛, ...) and bidi controls as `⟦U+202E⟧`.
 * `multiline` keeps tab, LF and CR (bodies); otherwise they become pictures too (headers, paths).
 */
export function revealControls(text: string, multiline = false): string {
  return text.replace(multiline ? CONTROLS_MULTILINE : CONTROLS_SINGLE_LINE, controlPicture).replace(BIDI, bidiMarker);
}

/** Cuts `text` to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncateText(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) {
    return { text, truncated: false };
  }
  let end = Math.max(0, max);
  const code = text.charCodeAt(end - 1);
  if (end > 0 && code >= 0xd800 && code <= 0xdbff) {
    end--;
  }
  return { text: text.slice(0, end), truncated: true };
}

/** Every character a label must not carry: C0 controls, DEL, and the bidi controls above. */
const LABEL_UNSAFE = new RegExp(`${CONTROLS_SINGLE_LINE.source}|${BIDI.source}`, 'g');
/** A surrogate half without its partner (it would print as garbage or break a terminal line). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * One line of untrusted text made safe for a label: the Events tree (label, description, tooltip),
 * the detail panel's messages, event types from `classify` and the CLI's lines. Every C0 control,
 * DEL, bidi control (U+061C, U+200E/F, U+202A–202E, U+2066–2069) and lone surrogate becomes U+FFFD
 * (`strip`: is dropped), and the text is cut to at most `max` UTF-16 units, ending in `…`, never
 * inside a surrogate pair. (The panel's own content shows such characters instead: `revealControls`.)
 */
export function sanitizeLabel(text: string, max = Number.POSITIVE_INFINITY, options: { strip?: boolean } = {}): string {
  const clean = text.replace(LABEL_UNSAFE, options.strip ? '' : '\uFFFD').replace(LONE_SURROGATE, options.strip ? '' : '\uFFFD');
  if (clean.length <= max) {
    return clean;
  }
  return `${truncateText(clean, Math.max(0, max - 1)).text}…`;
}

/** A one-line display string: controls revealed, cut to `max` with an ellipsis. */
export function displayLine(text: string, max: number): { text: string; truncated: boolean } {
  const cut = truncateText(text, max);
  const shown = revealControls(cut.text);
  return { text: cut.truncated ? `${shown}… (${text.length - cut.text.length} more characters)` : shown, truncated: cut.truncated };
}
