/**
 * Text a server chose (error bodies, close reasons, symbol status, anything inside a FeedError
 * message) reaches people through a terminal, the log and notifications. There it must read as what
 * it is: characters. A terminal obeys escape sequences (retitle the window, move the cursor, hide or
 * rewrite earlier lines), bidi controls reorder what is shown so it says something else, a newline
 * lets a server forge a whole log entry, and a VS Code notification turns `[text](url)` into a link.
 * These functions are the one place that takes that power away; every boundary where such text
 * leaves FlowSight calls one of them.
 */

/**
 * ESC-introduced sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL|ST`, DCS/SOS/PM/APC up to ST,
 * two-character escapes, a lone ESC) and their 8-bit forms (CSI 0x9B, OSC 0x9D).
 */
const ESCAPE_SEQUENCE =
  /\x1b\[[0-?]*[ -/]*[@-~]?|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?|\x1b[ -~]?|\x9b[0-?]*[ -/]*[@-~]?|\x9d[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?/g;

/** C0 controls but tab and newline, DEL, C1 controls. */
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/**
 * Bidi embeddings, overrides and isolates, the implicit marks, and the invisible characters that
 * let a text hide or split words (zero-width space, BOM, word joiner, the interlinear annotations).
 */
const INVISIBLE = /[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

/** Unicode line and paragraph separators break lines in some renderers: they count as newlines. */
const UNICODE_LINE_BREAK = /[\u2028\u2029]/g;

/** The only sequences FlowSight itself writes to a terminal: colours (SGR), cursor home, clear screen. */
const OWN_TERMINAL_STYLING = /^\x1b\[(?:[0-9;]*m|H|2J)$/;

/** Longest notification text: a server body is not a place to read a page. */
export const NOTIFICATION_MAX_CHARS = 400;

/** The characters of `text`, with escape sequences, control characters and bidi controls removed; tabs and newlines stay. */
export function plainText(text: string): string {
  return String(text).replace(UNICODE_LINE_BREAK, '\n').replace(/\r\n?/g, '\n').replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '').replace(INVISIBLE, '');
}

/**
 * One log entry: plain text whose continuation lines are indented, so nothing inside a message can
 * pass for an entry of its own (a timestamp and a level at the start of a line).
 */
export function logText(text: string): string {
  return plainText(text).replace(/\n/g, '\n    ');
}

/**
 * A notification: one line of plain text, at most NOTIFICATION_MAX_CHARS long, in which nothing can
 * become a link — VS Code renders `[label](https://… | command:… | file:…)` in a message as one, so
 * the `](` that pattern needs is split.
 */
export function notificationText(text: string, maxChars = NOTIFICATION_MAX_CHARS): string {
  const line = plainText(text)
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\]\s*\(/g, '] (');
  const max = Math.max(1, Math.floor(maxChars));
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * A line for a terminal that also carries FlowSight's own styling (ladder colours, clearing the
 * screen between ladders): those sequences stay, every other escape and control is removed.
 */
export function terminalText(text: string): string {
  return String(text)
    .replace(UNICODE_LINE_BREAK, '\n')
    .replace(/\r\n?/g, '\n')
    .replace(ESCAPE_SEQUENCE, (sequence) => (OWN_TERMINAL_STYLING.test(sequence) ? sequence : ''))
    .replace(/[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f]/g, '')
    .replace(INVISIBLE, '');
}

/**
 * A server's words quoted inside one of our messages (an error body, a header): plain, on one line,
 * at most `max` characters, so a body cannot rewrite a log line or a terminal, nor fill a message.
 * Line breaks and tabs become a space; the words and the spaces between them stay as sent.
 */
export function serverText(text: string, max: number): string {
  const line = plainText(text).replace(/\s*\n\s*/g, ' ').replace(/\t/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
