/**
 * Webview entry (browser code; never imports Node modules). Builds the page inside #app, handles the
 * host's messages with one exhaustive switch, and draws from requestAnimationFrame: messages and
 * input only mark things dirty and ask the FrameScheduler for a frame, so a burst of snapshots costs
 * one frame, and nothing is drawn from a timer.
 */
import { receivedSnapshot, type BookSnapshotMessage, type HostToWebview, type PanelSettings, type PanelViewState, type WebviewToHost } from '../src/shared/panelProtocol';
import { priceScaleFor } from '../src/engine/analysis/bookStats';
import { groupingChoices } from '../src/engine/view/groupingChoice';
import { fadeAfterMs, figureAlpha, pageBadge, verifiedText } from '../src/shared/freshness';
import { FrameScheduler, Invalidation, type InvalidationLevel } from './frameScheduler';
import { Header, stateLabel, type HeaderFreshness } from './header';
import { LadderView } from './ladderView';
import { LiveSummary } from './liveSummary';
import { TradeTapeView } from './tape';
import { readDocumentTheme, watchThemeChanges } from './theme';
import { createToolbar } from './toolbar';
import { parseViewState, sameViewState } from './viewState';
import { vscodeApi } from './vscodeApi';

const DEFAULT_SETTINGS: PanelSettings = {
  maxVisibleRows: 1000,
  refreshIntervalMs: 100,
  showCumulative: false,
};

/** The same error is reported at most once per this interval (a failing frame fails every frame). */
const ERROR_REPEAT_MS = 10_000;

const vscode = vscodeApi();
const post = (message: WebviewToHost): void => vscode.postMessage(message);

const savedState = vscode.getState();
let viewState: PanelViewState = parseViewState(savedState);
const restoredFromState = savedState !== undefined && savedState !== null;

let settings: PanelSettings = DEFAULT_SETTINGS;
let tickSize = 0;
let symbol = '';
let paused = false;
let latest: BookSnapshotMessage | null = null;
/** performance.now() when `latest` arrived: its ages grow from there, also when no frame follows. */
let latestReceivedAt = 0;
let shownGroupTicks = 0;
/** Fires when frames stop coming, so that what is on screen visibly ages (see watchFreshness). */
let freshnessTimer: ReturnType<typeof setTimeout> | undefined;
/** Seq of the newest snapshot not yet painted; reported once its frame has drawn. */
let unpaintedSeq: number | null = null;
let viewStateDirty = false;
const TAPE_INTERVAL_MS = 200;
let lastTapeRender = -Infinity;

const lastReported = new Map<string, number>();
function reportError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const now = performance.now();
  const last = lastReported.get(message);
  if (last !== undefined && now - last < ERROR_REPEAT_MS) return;
  if (lastReported.size > 50) lastReported.clear();
  lastReported.set(message, now);
  post({ type: 'error', message: `Order book view: ${message}` });
}

const scheduler = new FrameScheduler((callback) => requestAnimationFrame(callback), frame);

const header = new Header();
const tape = new TradeTapeView();
const summary = new LiveSummary();
const ladder = new LadderView(
  {
    invalidate: (level: InvalidationLevel) => scheduler.invalidate(level),
    viewStateChanged: () => {
      viewStateDirty = true;
      scheduler.invalidate(Invalidation.Overlay);
    },
    error: reportError,
  },
  viewState,
  readDocumentTheme(),
);
ladder.element.setAttribute('aria-describedby', summary.element.id);

const toolbar = createToolbar({
  setGrouping: (groupTicks) => post({ type: 'setGrouping', groupTicks }),
  setRows: (rows) => post({ type: 'setRows', rows: Math.max(20, Math.min(10_000, Math.round(rows))) }),
  setPaused: (next) => {
    paused = next;
    post({ type: 'setPaused', paused: next });
    updateToolbar();
  },
  setLocked: (locked) => ladder.setLocked(locked),
  recentre: () => {
    ladder.recentre();
    ladder.focus();
  },
  setShowCumulative: (show) => {
    ladder.setShowCumulative(show);
    post({ type: 'toggleCumulative', show });
  },
});

function updateToolbar(): void {
  // The grouping shown is the one the ladder was built with (the frame's), never a local guess.
  const groupTicks = latest !== null && latest.tickSize > 0 ? latest.groupTicks : 1;
  shownGroupTicks = groupTicks;
  toolbar.update({
    tickSize,
    groupingChoices: groupingChoices(groupTicks),
    groupTicks,
    rows: settings.maxVisibleRows,
    paused,
    locked: ladder.locked,
    showCumulative: ladder.cumulative,
  });
}

function mount(): void {
  const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  app.id = 'app';
  const main = document.createElement('div');
  main.className = 'book-main';
  main.append(ladder.element, tape.element);
  app.replaceChildren(header.element, toolbar.element, main, summary.element);
}

/** The badge and the strength of the figures right now: the frame's ages plus the time since it came. */
function freshnessNow(now: number): HeaderFreshness | null {
  const s = latest;
  if (s === null) return null;
  const elapsed = Math.max(0, now - latestReceivedAt);
  const badge = pageBadge({ state: s.state, reason: s.reason, stateAgeMs: s.stateAgeMs, eventTime: s.eventTime }, elapsed);
  const verified = s.sourceKind === 'replay' ? '' : verifiedText(s.verifiedAgeMs + elapsed);
  return { badge, alpha: figureAlpha(badge, s.dataAgeMs + elapsed, fadeAfterMs(settings.refreshIntervalMs)), verified };
}

/**
 * Frames normally arrive every refresh; when they stop (a stalled host, a busy transport) the page
 * must still show that its numbers are getting old. One timer, re-armed by every frame, asks for a
 * redraw once the figures would start to fade and then once a second; the drawing itself still
 * happens in an animation frame.
 */
function watchFreshness(): void {
  if (freshnessTimer !== undefined) clearTimeout(freshnessTimer);
  const tick = (delayMs: number): void => {
    freshnessTimer = setTimeout(() => {
      scheduler.invalidate(Invalidation.Full);
      tick(1000);
    }, delayMs);
  };
  tick(fadeAfterMs(settings.refreshIntervalMs) + 50);
}

/** One animation frame: header, tape and summary on new data, then the ladder at `level`. */
function frame(level: InvalidationLevel): void {
  const start = performance.now();
  try {
    if (level === Invalidation.Full) {
      const freshness = freshnessNow(start);
      header.render(freshness);
      ladder.setFigureAlpha(freshness?.alpha ?? 1);
      // Nobody reads a tape at 20 lines a second, and rewriting its rows is half the cost of a frame:
      // it follows at most every TAPE_INTERVAL_MS (a later frame picks up what is pending).
      if (start - lastTapeRender >= TAPE_INTERVAL_MS || paused) {
        lastTapeRender = start;
        tape.render();
      }
      summary.update(latest, start);
    }
    ladder.render(level, start);
    if (viewStateDirty) persistViewState();
    if (level === Invalidation.Full && unpaintedSeq !== null) {
      post({ type: 'painted', seq: unpaintedSeq, frameMs: performance.now() - start });
      unpaintedSeq = null;
    }
  } catch (error) {
    reportError(error);
  }
}

function persistViewState(): void {
  viewStateDirty = false;
  const next = ladder.viewState();
  if (sameViewState(next, viewState)) return;
  const lockChanged = next.locked !== viewState.locked || next.showCumulative !== viewState.showCumulative;
  viewState = next;
  vscode.setState(next);
  if (lockChanged) updateToolbar();
}

function applySettings(next: PanelSettings, adoptCumulative: boolean): void {
  const previous = settings;
  settings = next;
  ladder.setMaxRows(next.maxVisibleRows);
  // The host's cumulative setting wins when it changes (or on a first load); a reload keeps the
  // user's own toggle from PanelViewState.
  if (adoptCumulative || next.showCumulative !== previous.showCumulative) ladder.setShowCumulative(next.showCumulative);
  updateToolbar();
}

/** What the ladder says while it has no rows to draw: the feed's state and why. */
function showStatusText(state: string, reason: string): void {
  ladder.setEmptyText(reason === '' ? `${state}…` : `${state}: ${reason}`);
}

function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'init': {
      if (message.symbol !== symbol) {
        latest = null;
        unpaintedSeq = null;
        ladder.setSnapshot(null);
        header.setSnapshot(null);
        tape.clear();
      }
      symbol = message.symbol;
      tickSize = message.tickSize;
      paused = message.paused;
      header.setSymbol(message.symbol);
      applySettings(message.settings, !restoredFromState);
      showStatusText('Waiting for the order book', '');
      scheduler.invalidate(Invalidation.Full);
      break;
    }
    case 'snapshot': {
      message = receivedSnapshot(message);
      // Another source (feed, recording, symbol): what was shown is not this market; drop it.
      const sourceChanged = latest !== null && latest.sourceKey !== message.sourceKey;
      const previousTick = tickSize;
      latest = message;
      latestReceivedAt = performance.now();
      unpaintedSeq = message.seq;
      if (message.tickSize > 0) {
        tickSize = message.tickSize;
        tape.setTrades(message.trades, priceScaleFor(message.tickSize));
      } else {
        if (sourceChanged) tickSize = 0;
        tape.clear();
      }
      if (message.bids.prices.length === 0 && message.asks.prices.length === 0) showStatusText(stateLabel(message.state), message.reason);
      header.setSnapshot(message);
      ladder.setSnapshot(message);
      if ((message.tickSize > 0 ? message.groupTicks : 1) !== shownGroupTicks || tickSize !== previousTick) updateToolbar();
      watchFreshness();
      break;
    }
    case 'settings':
      applySettings(message.settings, false);
      break;
    case 'paused':
      paused = message.paused;
      updateToolbar();
      break;
    default: {
      // Exhaustive: a new HostToWebview member fails to compile here until it is handled.
      const unhandled: never = message;
      reportError(`unknown message type ${JSON.stringify((unhandled as { type?: unknown }).type)}`);
    }
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const data = event.data;
  if (typeof data !== 'object' || data === null || typeof (data as { type?: unknown }).type !== 'string') return;
  try {
    handle(data as HostToWebview);
  } catch (error) {
    reportError(error);
  }
});
window.addEventListener('error', (event) => reportError(event.error ?? event.message));
window.addEventListener('unhandledrejection', (event) => reportError(event.reason));

watchThemeChanges(() => {
  try {
    ladder.setTheme(readDocumentTheme());
  } catch (error) {
    reportError(error);
  }
});

mount();
updateToolbar();
header.render(null);
post({ type: 'ready' });
