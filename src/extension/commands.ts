import * as vscode from 'vscode';
import { notificationText } from '../engine/core/untrustedText';
import { groupingChoices, groupingLabel, groupingSettingValue, resolveGrouping } from '../engine/view/groupingChoice';
import type { FeedController } from './feedController';
import type { HealthTreeProvider } from './healthTree';
import { OrderBookPanel } from './orderBookPanel';
import { writePriceGrouping } from './priceGroupingSetting';
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
      let chosen: 'auto' | number;
      const status = feed.status;
      const tick = status?.tickSize ?? 0;
      if (value !== undefined) {
        const n = value === 'auto' ? 'auto' : Number(value);
        if (n !== 'auto' && !(Number.isFinite(n) && n > 0)) {
          void vscode.window.showErrorMessage(`FlowSight: price grouping must be "auto" or a positive multiple of the tick size, got ${JSON.stringify(value)}.`);
          return;
        }
        chosen = n;
      } else {
        // The choices and the "in force" line are the toolbar's: both come from the frame's grouping in force.
        const inForce = status?.groupTicks ?? 1;
        const items: Array<vscode.QuickPickItem & { value: 'auto' | number | 'other' }> = [
          ...(tick > 0
            ? groupingChoices(inForce).map((g) => ({
                label: groupingLabel(tick, g),
                description: g === 1 ? 'the tick size (auto)' : `${g} ticks`,
                picked: g === inForce,
                value: groupingSettingValue(tick, g),
              }))
            : [{ label: 'auto', description: 'the tick size', value: 'auto' as const }]),
          { label: 'Other…', description: tick > 0 ? `any multiple of the tick size ${groupingLabel(tick, 1)}` : 'any multiple of the tick size', value: 'other' },
        ];
        const pick = vscode.window.createQuickPick<(typeof items)[number]>();
        pick.title = 'FlowSight: Set Price Grouping';
        pick.placeholder = tick > 0 ? `In force: ${groupingLabel(tick, inForce)} (${status?.health.symbol ?? ''})` : 'In force: the tick size';
        pick.items = items;
        pick.activeItems = items.filter((i) => i.picked);
        const picked = await new Promise<(typeof items)[number] | undefined>((resolve) => {
          pick.onDidAccept(() => resolve(pick.selectedItems[0]));
          pick.onDidHide(() => resolve(undefined));
          pick.show();
        });
        pick.dispose();
        if (!picked) return;
        if (picked.value === 'other') {
          const typed = await vscode.window.showInputBox({
            title: 'Price grouping',
            prompt: tick > 0 ? `A multiple of the tick size ${groupingLabel(tick, 1)}` : 'A positive price step',
            validateInput: (text) => {
              const n = Number(text);
              if (!(n > 0) || !Number.isFinite(n)) return 'Enter a positive number';
              if (tick > 0 && resolveGrouping(tick, n).problem !== undefined) return resolveGrouping(tick, n).problem;
              return undefined;
            },
          });
          if (typed === undefined) return;
          chosen = Number(typed);
        } else {
          chosen = picked.value;
        }
      }
      await writePriceGrouping(chosen);
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
