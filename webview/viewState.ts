import type { PanelSettings, PanelViewState } from '../src/shared/panelProtocol';

/**
 * The webview's own state across reloads (vscode.getState / setState): lock, scroll position and
 * the cumulative toggle. Whatever getState returns is untrusted (an older build may have saved
 * another shape), so it is narrowed field by field.
 */

export const DEFAULT_VIEW_STATE: PanelViewState = { locked: true, scrollRows: 0, showCumulative: false };

export function parseViewState(value: unknown, settings?: Pick<PanelSettings, 'showCumulative'>): PanelViewState {
  const fallbackCumulative = settings?.showCumulative ?? DEFAULT_VIEW_STATE.showCumulative;
  if (typeof value !== 'object' || value === null) return { ...DEFAULT_VIEW_STATE, showCumulative: fallbackCumulative };
  const v = value as Record<string, unknown>;
  return {
    locked: typeof v.locked === 'boolean' ? v.locked : DEFAULT_VIEW_STATE.locked,
    scrollRows: typeof v.scrollRows === 'number' && Number.isFinite(v.scrollRows) ? v.scrollRows : 0,
    showCumulative: typeof v.showCumulative === 'boolean' ? v.showCumulative : fallbackCumulative,
  };
}

export function sameViewState(a: PanelViewState, b: PanelViewState): boolean {
  return a.locked === b.locked && a.scrollRows === b.scrollRows && a.showCumulative === b.showCumulative;
}
