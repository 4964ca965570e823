import * as vscode from 'vscode';
import { readSettings, SECTION, type FlowSightSettings, type ReadOptions, type ReadResult } from './settingsModel';

export { DEFAULT_SETTINGS, SECTION, type FlowSightSettings } from './settingsModel';

/**
 * Reads FlowSight's settings from VS Code's configuration: what the user (or the remote machine)
 * set, and what the workspace set, kept apart so the rules in settingsModel decide which counts.
 * Defaults come from DEFAULT_SETTINGS, the same values the manifest declares.
 */
export function readConfiguredSettings(lastGood: FlowSightSettings, options?: ReadOptions): ReadResult {
  const config = vscode.workspace.getConfiguration(SECTION);
  return readSettings(
    (key) => {
      const inspected = config.inspect(key);
      return { user: inspected?.globalValue, workspace: inspected?.workspaceFolderValue ?? inspected?.workspaceValue };
    },
    lastGood,
    options,
  );
}
