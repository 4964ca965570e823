import type { PanelViewState, WebviewToHost } from '../src/shared/panelProtocol';

/**
 * The webview's handle on VS Code. acquireVsCodeApi may be called only once per page load, so the
 * handle is created here once and shared.
 */
export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  /** What setState saved before a reload (untrusted: parse it). */
  getState(): unknown;
  setState(state: PanelViewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | null = null;

export function vscodeApi(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}
