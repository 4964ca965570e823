import * as vscode from 'vscode';
import { readSettings, SECTION, type FlowSightSettings, type ReadOptions, type ReadResult } from './settingsModel';

export { DEFAULT_SETTINGS, SECTION, type FlowSightSettings } from './settingsModel';

/**
 * Reads FlowSight's settings from VS Code's configuration: what the user (or the remote machine)
 * set, and what the workspace set, kept apart so the rules in settingsModel decide which counts.
 * `workspaceFiles` holds what the workspace's files write for the user-only settings, which VS Code
 * hides (see WorkspaceSettingsFiles). Defaults come from DEFAULT_SETTINGS, as the manifest declares.
 */
export function readConfiguredSettings(lastGood: FlowSightSettings, workspaceFiles: ReadonlyMap<string, unknown>, options?: ReadOptions): ReadResult {
  const config = vscode.workspace.getConfiguration(SECTION);
  return readSettings(
    (key) => {
      const inspected = config.inspect(key);
      return { user: inspected?.globalValue, workspace: inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? workspaceFiles.get(key) };
    },
    lastGood,
    options,
  );
}
