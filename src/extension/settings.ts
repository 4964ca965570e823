import * as vscode from 'vscode';
import { readSettings, SECTION, type FlowSightSettings, type SettingsProblem } from './settingsModel';

export { DEFAULT_SETTINGS, SECTION, type FlowSightSettings } from './settingsModel';

/** Reads FlowSight's settings from VS Code's configuration. */
export function readWorkspaceSettings(lastGood: FlowSightSettings): { settings: FlowSightSettings; problems: SettingsProblem[] } {
  const config = vscode.workspace.getConfiguration(SECTION);
  return readSettings((key) => {
    const inspected = config.inspect(key);
    // Only what the user set counts as input; defaults come from DEFAULT_SETTINGS.
    return inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue ?? undefined;
  }, lastGood);
}
