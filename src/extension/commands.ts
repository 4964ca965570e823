import * as vscode from 'vscode';
import { groupingSteps } from '../engine/analysis/priceGrouping';
import { notificationText } from '../engine/core/untrustedText';
import type { FeedController } from './feedController';
import type { HealthTreeProvider } from './healthTree';
import { OrderBookPanel } from './orderBookPanel';
import { SECTION, type FlowSightSettings } from './settings';

export interface CommandContext {
  readonly context: vscode.ExtensionContext;
  readonly feed: FeedController;
  readonly tree: HealthTreeProvider;
  readonly log: vscode.LogOutputChannel;
  readonly settings: () => FlowSightSettings;
}

const REPLAY_SPEEDS = [1, 2, 5, 10, 50, 100];

/** Registers every FlowSight command; the returned disposables unregister them. */
export function registerCommands(c: CommandContext): vscode.Disposable[] {
  const { context, feed, tree, log, settings } = c;
  const target = (): vscode.ConfigurationTarget =>
    vscode.workspace.workspaceFolders && vscode.workspace.getConfiguration(SECTION).inspect('symbol')?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;

  return [
    vscode.commands.registerCommand('flowsight.openOrderBook', () => {
      feed.start();
      OrderBookPanel.createOrShow(context, feed, settings, log);
    }),

    vscode.commands.registerCommand('flowsight.selectSymbol', async (symbol?: string) => {
      feed.start();
      if (typeof symbol === 'string' && symbol.trim() !== '') {
        await vscode.workspace.getConfiguration(SECTION).update('symbol', symbol.trim().toUpperCase(), target());
        return;
      }
      const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { symbol: string }>();
      pick.title = 'FlowSight: Select Symbol';
      pick.placeholder = 'Type to filter USDⓈ-M futures symbols';
      pick.busy = true;
      pick.matchOnDescription = true;
      pick.show();
      try {
        const symbols = await feed.listSymbols();
        const current = settings().symbol;
        pick.items = symbols
          .sort((a, b) => a.symbol.localeCompare(b.symbol))
          .map((s) => ({ label: s.symbol, description: `${s.baseAsset}/${s.quoteAsset} · tick ${s.tickSize}`, picked: s.symbol === current, symbol: s.symbol }));
        pick.activeItems = pick.items.filter((i) => i.symbol === current);
      } catch (err) {
        pick.hide();
        void vscode.window.showErrorMessage(notificationText(`FlowSight: cannot list symbols — ${(err as Error).message}`));
        return;
      } finally {
        pick.busy = false;
      }
      const chosen = await new Promise<string | undefined>((resolve) => {
        pick.onDidAccept(() => resolve(pick.selectedItems[0]?.symbol));
        pick.onDidHide(() => resolve(undefined));
      });
      pick.dispose();
      if (chosen) await vscode.workspace.getConfiguration(SECTION).update('symbol', chosen, target());
    }),

    vscode.commands.registerCommand('flowsight.setPriceGrouping', async (value?: string | number) => {
      let chosen: string | number | undefined = value;
      if (chosen === undefined) {
        const tick = feed.status?.tickSize ?? 0;
        const steps = tick > 0 ? groupingSteps(tick) : [];
        const items: vscode.QuickPickItem[] = [
          { label: 'auto', description: tick > 0 ? `the tick size (${tick})` : 'the tick size' },
          ...steps.slice(1).map((s) => ({ label: String(s), description: `${Math.round(s / tick)} ticks` })),
          { label: 'Other…', description: 'any multiple of the tick size' },
        ];
        const picked = await vscode.window.showQuickPick(items, { title: 'FlowSight: Set Price Grouping', placeHolder: `Current: ${String(settings().priceGrouping)}` });
        if (!picked) return;
        if (picked.label === 'Other…') {
          chosen = await vscode.window.showInputBox({
            title: 'Price grouping',
            prompt: tick > 0 ? `A multiple of the tick size ${tick}` : 'A positive price step',
            validateInput: (text) => {
              const n = Number(text);
              if (!(n > 0)) return 'Enter a positive number';
              if (tick > 0 && Math.abs(n / tick - Math.round(n / tick)) > 1e-9) return `Must be a multiple of the tick size ${tick}`;
              return undefined;
            },
          });
          if (chosen === undefined) return;
          chosen = Number(chosen);
        } else {
          chosen = picked.label === 'auto' ? 'auto' : Number(picked.label);
        }
      }
      await vscode.workspace.getConfiguration(SECTION).update('priceGrouping', chosen, target());
    }),

    vscode.commands.registerCommand('flowsight.reconnect', async () => {
      log.info('reconnect requested by the user');
      if (!feed.running) feed.start();
      else await feed.reconnect();
    }),

    vscode.commands.registerCommand('flowsight.togglePause', () => {
      const paused = !feed.isPaused;
      feed.setPaused(paused);
      OrderBookPanel.instance?.setPaused(paused);
      void vscode.commands.executeCommand('setContext', 'flowsight.paused', paused);
      log.info(paused ? 'display paused' : 'display resumed');
    }),

    vscode.commands.registerCommand('flowsight.openRecording', async (file?: vscode.Uri | string, speed?: number) => {
      let uri = typeof file === 'string' ? vscode.Uri.file(file) : file;
      if (!uri) {
        const picked = await vscode.window.showOpenDialog({
          title: 'FlowSight: Open Recording',
          canSelectMany: false,
          filters: { 'Recordings (<ns> <json> lines)': ['gz', 'txt', 'jsonl', 'log'], 'All files': ['*'] },
        });
        uri = picked?.[0];
        if (!uri) return;
      }
      let chosenSpeed = speed;
      if (chosenSpeed === undefined) {
        const pick = await vscode.window.showQuickPick(
          REPLAY_SPEEDS.map((s) => ({ label: `${s}×`, speed: s })),
          { title: 'Replay speed', placeHolder: 'How much faster than recorded' },
        );
        if (!pick) return;
        chosenSpeed = pick.speed;
      }
      await feed.openReplay(uri.fsPath, chosenSpeed);
      OrderBookPanel.createOrShow(context, feed, settings, log);
    }),

    vscode.commands.registerCommand('flowsight.copyBookSnapshot', async () => {
      try {
        const book = await feed.bookJson(settings().maxVisibleRows);
        await vscode.env.clipboard.writeText(JSON.stringify(book, null, 2));
        void vscode.window.showInformationMessage('FlowSight: order book copied to the clipboard as JSON.');
      } catch (err) {
        void vscode.window.showWarningMessage(notificationText(`FlowSight: nothing to copy — ${(err as Error).message}`));
      }
    }),

    vscode.commands.registerCommand('flowsight.copyHealth', async (item?: { copyText?: string }) => {
      await vscode.env.clipboard.writeText(item?.copyText ?? tree.asText());
    }),

    vscode.commands.registerCommand('flowsight.showLog', () => log.show(true)),

    // For benchmarks and tests: how frames travel from the host to the painted ladder.
    vscode.commands.registerCommand('flowsight.debug.paintStats', () => {
      const panel = OrderBookPanel.instance;
      return panel
        ? { framesPosted: panel.framesPosted, framesPainted: panel.framesPainted, paintLatencyMs: panel.paintLatencyMs(), frameMs: panel.frameMs() }
        : undefined;
    }),
  ];
}
