/**
 * Webview entry (browser code; never imports Node modules). Builds the page inside #app, handles the
 * host's messages with one exhaustive switch, and draws from requestAnimationFrame: messages and
 * input only mark things dirty and ask the FrameScheduler for a frame, so a burst of snapshots costs
 * one frame, and nothing is drawn from a timer.
 */
import type { BookSnapshotMessage, HostToWebview, PanelSettings, PanelViewState, WebviewToHost } from '../src/shared/panelProtocol';
import { priceScaleFor } from '../src/engine/analysis/bookStats';
import { FrameScheduler, Invalidation, type InvalidationLevel } from './frameScheduler';
import { Header, stateLabel } from './header';
import { LadderView } from './ladderView';
import { LiveSummary } from './liveSummary';
import { TradeTapeView } from './tape';
import { readDocumentTheme, watchThemeChanges } from './theme';
import { createToolbar } from './toolbar';
import { parseViewState, sameViewState } from './viewState';
import { vscodeApi } from './vscodeApi';

const DEFAULT_SETTINGS: PanelSettings = {
  maxVisibleRows: 1000,
  groupingChoices: [1, 10, 100, 1000],
  groupTicks: 1,
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
  toolbar.update({
    tickSize,
    groupingChoices: settings.groupingChoices,
    groupTicks: settings.groupTicks,
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

/** One animation frame: header, tape and summary on new data, then the ladder at `level`. */
function frame(level: InvalidationLevel): void {
  const start = performance.now();
  try {
    if (level === Invalidation.Full) {
      header.render();
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
      latest = message;
      unpaintedSeq = message.seq;
      if (message.tickSize > 0) {
        tickSize = message.tickSize;
        tape.setTrades(message.trades, priceScaleFor(message.tickSize));
      }
      header.setSnapshot(message);
      ladder.setSnapshot(message);
      break;
    }
    case 'settings':
      applySettings(message.settings, false);
      break;
    case 'paused':
      paused = message.paused;
      updateToolbar();
      break;
    case 'status':
      header.setStatus(message.state, message.reason);
      showStatusText(stateLabel(message.state), message.reason);
      scheduler.invalidate(Invalidation.Full);
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
header.render();
post({ type: 'ready' });
