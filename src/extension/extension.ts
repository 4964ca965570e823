import * as vscode from 'vscode';
import { ORDER_BOOK_VIEW_TYPE } from '../shared/panelProtocol';
import { registerCommands } from './commands';
import { FeedController } from './feedController';
import { HealthTreeProvider } from './healthTree';
import { OrderBookPanel } from './orderBookPanel';
import { DEFAULT_SETTINGS, readWorkspaceSettings, SECTION, type FlowSightSettings } from './settings';
import { StatusBarController } from './statusBar';

/** What the extension exposes to its integration tests (and to nothing else). */
export interface FlowSightApi {
  readonly feed: FeedController;
  readonly statusBar: StatusBarController;
  readonly tree: HealthTreeProvider;
  settings(): FlowSightSettings;
  panel(): OrderBookPanel | undefined;
}

let active: { feed: FeedController } | undefined;

export function activate(context: vscode.ExtensionContext): FlowSightApi {
  const log = vscode.window.createOutputChannel('FlowSight', { log: true });
  context.subscriptions.push(log);
  log.info(`FlowSight ${String(context.extension.packageJSON.version)} activating`);

  let { settings, problems } = readWorkspaceSettings(DEFAULT_SETTINGS);
  reportProblems(problems, log);
  const currentSettings = (): FlowSightSettings => settings;

  const offerDemo = (reason: string): void => {
    void vscode.window.showWarningMessage(`FlowSight: ${reason}`, 'Use Demo Feed', 'Show Log').then(async (choice) => {
      if (choice === 'Use Demo Feed') await vscode.workspace.getConfiguration(SECTION).update('feed', 'demo', vscode.ConfigurationTarget.Global);
      else if (choice === 'Show Log') log.show(true);
    });
  };

  const feed = new FeedController(context.extensionPath, settings, log, offerDemo);
  context.subscriptions.push(feed);
  active = { feed };
  const statusBar = new StatusBarController(feed, settings.statusBarEnabled);
  context.subscriptions.push(statusBar);
  const tree = new HealthTreeProvider(feed);
  context.subscriptions.push(tree);
  context.subscriptions.push(vscode.window.createTreeView('flowsight.health', { treeDataProvider: tree, showCollapseAll: true }));
  context.subscriptions.push(...registerCommands({ context, feed, tree, log, settings: currentSettings }));
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(ORDER_BOOK_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => {
        feed.start();
        OrderBookPanel.revive(panel, context, feed, currentSettings, log);
      },
    }),
  );
  context.subscriptions.push({ dispose: () => OrderBookPanel.instance?.dispose() });
  void vscode.commands.executeCommand('setContext', 'flowsight.paused', false);

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (!event.affectsConfiguration(SECTION)) return;
      const next = readWorkspaceSettings(settings);
      reportProblems(next.problems, log);
      const previous = settings;
      settings = next.settings;
      statusBar.setEnabled(settings.statusBarEnabled);
      if (settings.statusBarEnabled && !feed.running) feed.start();
      await feed.applySettings(settings);
      if (previous.maxVisibleRows !== settings.maxVisibleRows || previous.refreshIntervalMs !== settings.refreshIntervalMs) {
        OrderBookPanel.instance?.updateSettings();
      }
      tree.refresh();
    }),
  );

  // The status bar is glanced at: with it on, the feed starts with the window.
  if (settings.statusBarEnabled || settings.openPanelOnStartup) feed.start();
  if (settings.openPanelOnStartup) OrderBookPanel.createOrShow(context, feed, currentSettings, log);

  return { feed, statusBar, tree, settings: currentSettings, panel: () => OrderBookPanel.instance };
}

/** VS Code disposes context.subscriptions; this waits for the worker to close its sockets. */
export async function deactivate(): Promise<void> {
  const feed = active?.feed;
  active = undefined;
  if (feed) await feed.shutdown();
}

function reportProblems(problems: Array<{ setting: string; message: string }>, log: vscode.LogOutputChannel): void {
  for (const p of problems) {
    log.warn(p.message);
    void vscode.window.showWarningMessage(`FlowSight: ${p.message}`, 'Open Settings').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', p.setting);
    });
  }
}
