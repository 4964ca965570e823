import * as vscode from 'vscode';
import { SECTION } from './settings';

/**
 * Writes `flowsight.priceGrouping`: the toolbar's Group control and the Set Price Grouping command
 * both come here, and the feed worker resolves the setting into the grouping in force
 * (src/engine/view/groupingChoice.ts), so the setting, the command and the toolbar cannot disagree.
 * It writes where the value in force comes from: a workspace value written over in the user settings
 * would leave the grouping unchanged.
 */
export async function writePriceGrouping(value: 'auto' | number): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect('priceGrouping');
  const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  // 'auto' is the default: clearing the value keeps the settings file tidy and means the same.
  await config.update('priceGrouping', value === 'auto' && target === vscode.ConfigurationTarget.Global ? undefined : value, target);
}
