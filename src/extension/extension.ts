import * as vscode from 'vscode';
import { logText, notificationText } from '../engine/core/untrustedText';
import { ORDER_BOOK_VIEW_TYPE } from '../shared/panelProtocol';
import { registerCommands } from './commands';
import { FeedController } from './feedController';
import { HealthTreeProvider } from './healthTree';
import { OrderBookPanel } from './orderBookPanel';
import { DEFAULT_SETTINGS, readConfiguredSettings, SECTION, type FlowSightSettings } from './settings';
import { ProblemsReportedOnce, type SettingsProblem } from './settingsModel';
import { StatusBarController } from './statusBar';
import { decideSymbol, SymbolChangeQueue } from './symbolChange';
import { WorkspaceSettingsFiles } from './workspaceSettingsFiles';

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

  const reported = new ProblemsReportedOnce();
  const workspaceFiles = new WorkspaceSettingsFiles(log);
  context.subscriptions.push(workspaceFiles);
  const initial = readConfiguredSettings(DEFAULT_SETTINGS, workspaceFiles.current);
  let settings = initial.settings;
  reportProblems(reported.fresh(initial.problems), log);
  const currentSettings = (): FlowSightSettings => settings;

  const offerDemo = (reason: string): void => {
    void vscode.window.showWarningMessage(notificationText(`FlowSight: ${reason}`), 'Use Demo Feed', 'Show Log').then(async (choice) => {
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

  // Settings are applied one change at a time, so a slow one (a restart, a symbol looked up on the
  // exchange) never finishes after a later one and puts older settings back in force.
  let applying: Promise<void> = Promise.resolve();
  const serially = (task: () => Promise<void>): Promise<void> => {
    applying = applying.then(task).catch((err: unknown) => log.error(logText(`applying FlowSight's settings failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)));
    return applying;
  };

  // The Settings editor saves as the user types ("BTC" on the way to "BTCUSDT"): a symbol is
  // applied only once typing has paused, and only one the exchange lists.
  const symbolChanges = new SymbolChangeQueue(
    (input) =>
      serially(async () => {
        let decision = decideSymbol(input, settings.symbol, undefined);
        if (decision.kind === 'apply') decision = decideSymbol(input, settings.symbol, await feed.listedSymbols());
        if (decision.kind === 'unchanged') return;
        if (decision.kind === 'refuse') {
          reportProblems([{ setting: `${SECTION}.symbol`, message: decision.message }], log);
          return;
        }
        settings = await feed.applySettings({ ...settings, symbol: decision.symbol });
        tree.refresh();
      }),
    (err) => log.error(logText(`applying flowsight.symbol failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)),
  );
  context.subscriptions.push(symbolChanges);

  const applyConfiguration = (symbolChanged: boolean): Promise<void> =>
    serially(async () => {
      const next = readConfiguredSettings(settings, workspaceFiles.current, { deferSymbol: true });
      reportProblems(reported.fresh(next.problems), log);
      if (symbolChanged) symbolChanges.propose(next.symbolInput);
      const previous = settings;
      settings = next.settings;
      statusBar.setEnabled(settings.statusBarEnabled);
      if (settings.statusBarEnabled && !feed.running) feed.start();
      settings = await feed.applySettings(settings);
      if (previous.maxVisibleRows !== settings.maxVisibleRows || previous.refreshIntervalMs !== settings.refreshIntervalMs) {
        OrderBookPanel.instance?.updateSettings();
      }
      tree.refresh();
    });
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(SECTION)) void applyConfiguration(event.affectsConfiguration(`${SECTION}.symbol`));
    }),
    workspaceFiles.onDidChange(() => void applyConfiguration(false)),
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

function reportProblems(problems: readonly SettingsProblem[], log: vscode.LogOutputChannel): void {
  for (const p of problems) {
    log.warn(logText(p.message));
    void vscode.window.showWarningMessage(notificationText(`FlowSight: ${p.message}`), 'Open Settings').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', p.setting);
    });
  }
}
