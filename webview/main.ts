/**
 * Webview entry (browser code; never imports Node modules). The canvas ladder lands with the
 * extension issue; this announces readiness so the host knows the page loaded.
 */
interface VsCodeApi {
  postMessage(message: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscodeApi = acquireVsCodeApi();
vscodeApi.postMessage({ type: 'ready' });
