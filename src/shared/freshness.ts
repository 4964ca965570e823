/**
 * How old what the screen shows is, and how to say it: the feed badge ("stale 12 s", "replay
 * 2024-08-08 09:14:02", "degraded: <reason>"), the age wording ("verified 2 min ago") and the fade of
 * numbers that have not updated for a while. The status bar, the health view and the panel all word
 * these the same way because they all call this module. Pure and import-free (the webview bundles it).
 */

/** Every state a surface can be in; a superset of the feed's own states. */
export type DisplayState =
  | 'idle'
  | 'connecting'
  | 'syncing'
  | 'live'
  | 'stale'
  | 'reconnecting'
  | 'circuit-open'
  | 'failed'
  | 'degraded'
  | 'replay'
  | 'paused';

export interface BadgeInput {
  readonly state: DisplayState;
  readonly reason: string;
  /** Milliseconds since the state was entered. */
  readonly stateAgeMs: number;
  /** Exchange event time of the book (ms since epoch); a replay is named by it. */
  readonly eventTime: number;
}

export interface FeedBadge {
  readonly state: DisplayState;
  /** Lower-case words: "live", "stale 12 s", "replay 2024-08-08 09:14:02", "failed: <reason>". */
  readonly text: string;
  /** False when the numbers on screen are not the market now: they are drawn dimmed. */
  readonly current: boolean;
}

/** Reasons are server-influenced text: shown on one line, without control characters, bounded. */
export const MAX_REASON_CHARS = 160;

export function oneLine(text: string, max = MAX_REASON_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/** A duration as a person reads it: "800 ms", "12 s", "3 min", "2 h"; `compact` drops the space ("12s"). */
export function formatDuration(ms: number, compact = false): string {
  const sep = compact ? '' : ' ';
  if (!Number.isFinite(ms) || ms < 0) return `0${sep}s`;
  if (ms < 1000) return `${Math.round(ms)}${sep}ms`;
  if (ms < 120_000) return `${Math.floor(ms / 1000)}${sep}s`;
  if (ms < 7_200_000) return `${Math.floor(ms / 60_000)}${sep}min`;
  return `${Math.floor(ms / 3_600_000)}${sep}h`;
}

/** "2 min ago"; "just now" under a second. */
export function formatAgo(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  return ms < 1000 ? 'just now' : `${formatDuration(ms)} ago`;
}

/** "verified 2 min ago"; "not verified yet" (NaN) before a REST snapshot has matched the book. */
export function verifiedText(verifiedAgeMs: number): string {
  return Number.isFinite(verifiedAgeMs) ? `verified ${formatAgo(verifiedAgeMs)}` : 'not verified yet';
}

/** UTC date and time to the second: 2024-08-08 09:14:02. */
export function formatUtcSecond(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs <= 0) return '—';
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** The badge every surface shows for a state. */
export function feedBadge(input: BadgeInput, compact = false): FeedBadge {
  const age = formatDuration(input.stateAgeMs, compact);
  const reason = oneLine(input.reason);
  const withReason = (word: string): string => (reason === '' ? word : `${word}: ${reason}`);
  switch (input.state) {
    case 'live':
      return { state: 'live', text: 'live', current: true };
    case 'replay':
      return { state: 'replay', text: `replay ${formatUtcSecond(input.eventTime)}`, current: false };
    case 'paused':
      return { state: 'paused', text: 'paused', current: false };
    case 'stale':
      return { state: 'stale', text: `stale ${age}`, current: false };
    case 'reconnecting':
      return { state: 'reconnecting', text: `reconnecting ${age}`, current: false };
    case 'connecting':
      return { state: 'connecting', text: `connecting ${age}`, current: false };
    case 'syncing':
      return { state: 'syncing', text: `syncing ${age}`, current: false };
    case 'circuit-open':
      return { state: 'circuit-open', text: `waiting after errors ${age}`, current: false };
    case 'degraded':
      return { state: 'degraded', text: withReason('degraded'), current: false };
    case 'failed':
      return { state: 'failed', text: withReason('failed'), current: false };
    case 'idle':
      return { state: 'idle', text: 'idle', current: false };
    default: {
      const unknown: never = input.state;
      return { state: 'idle', text: String(unknown), current: false };
    }
  }
}

/**
 * Frames come every refresh (a few a second even while paused or quiet); a page that has had none
 * for this long is not being told anything, whatever the last frame said.
 */
export const FRAME_SILENCE_MS = 3000;

/** The badge of the last frame a page got, `msSinceFrame` later. */
export function pageBadge(input: BadgeInput, msSinceFrame: number): FeedBadge {
  if (msSinceFrame > FRAME_SILENCE_MS) return { state: 'stale', text: `no update for ${formatDuration(msSinceFrame)}`, current: false };
  return feedBadge({ ...input, stateAgeMs: input.stateAgeMs + Math.max(0, msSinceFrame) });
}

/**
 * Numbers that have not updated for longer than a few refreshes fade: full strength until
 * `fadeAfterMs`, then down to FADED_ALPHA over FADE_SPAN_MS. A frame the host never sent counts
 * as not updated too (the webview adds the time since the last frame arrived).
 */
export const FADE_AFTER_REFRESHES = 5;
export const MIN_FADE_AFTER_MS = 1000;
export const FADE_SPAN_MS = 4000;
export const FADED_ALPHA = 0.45;
/** How strong numbers are drawn while the badge says they are not current. */
export const NOT_CURRENT_ALPHA = 0.55;

export function fadeAfterMs(refreshIntervalMs: number): number {
  const refresh = Number.isFinite(refreshIntervalMs) && refreshIntervalMs > 0 ? refreshIntervalMs : 100;
  return Math.max(MIN_FADE_AFTER_MS, FADE_AFTER_REFRESHES * refresh);
}

/** Opacity 0..1 of a figure `ageMs` old (1 = fresh). */
export function fadeAlpha(ageMs: number, afterMs: number): number {
  if (!(ageMs > afterMs)) return 1;
  const t = (ageMs - afterMs) / FADE_SPAN_MS;
  return t >= 1 ? FADED_ALPHA : 1 - t * (1 - FADED_ALPHA);
}

/** Opacity of the numbers: the fade of their age, and no more than NOT_CURRENT_ALPHA when not current. */
export function figureAlpha(badge: FeedBadge, ageMs: number, afterMs: number): number {
  const fade = fadeAlpha(ageMs, afterMs);
  return badge.current ? fade : Math.min(fade, NOT_CURRENT_ALPHA);
}
