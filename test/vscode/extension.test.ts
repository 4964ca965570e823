import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { LocalExchange } from '../../src/engine/exchange/localExchange';
import type { FlowSightApi } from '../../src/extension/extension';
import { waitFor } from '../support/waitFor';

/**
 * Runs inside a real VS Code extension host (code-server), against the local exchange started here.
 * The workspace keeps the feed off until the first test points it at that exchange.
 */
const EXTENSION_ID = 'flowsight.flowsight';

function formatPrice(price: number, decimals: number): string {
  const [whole, fraction] = price.toFixed(decimals).split('.');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction ? `.${fraction}` : ''}`;
}

describe('FlowSight in a real VS Code', function () {
  let exchange: LocalExchange;
  let api: FlowSightApi;
  const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('flowsight');

  before(async () => {
    exchange = await LocalExchange.start({ seed: 5, stepMs: 40 });
    const extension = vscode.extensions.getExtension<FlowSightApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    // Where data comes from is a user setting (the workspace's own streamUrl is ignored).
    await config().update('streamUrl', exchange.wsUrl, vscode.ConfigurationTarget.Global);
    await config().update('restUrl', exchange.restUrl, vscode.ConfigurationTarget.Global);
    await config().update('symbol', 'BTCUSDT', vscode.ConfigurationTarget.Workspace);
    await config().update('statusBar.enabled', true, vscode.ConfigurationTarget.Workspace);
    await waitFor('the feed to be live', () => api.feed.status?.health.state === 'live');
  });

  after(async () => {
    await config().update('streamUrl', undefined, vscode.ConfigurationTarget.Global);
    await config().update('restUrl', undefined, vscode.ConfigurationTarget.Global);
    await exchange?.stop();
  });

  it('registers every command in the FlowSight category', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['openOrderBook', 'selectSymbol', 'setPriceGrouping', 'reconnect', 'togglePause', 'openRecording', 'copyBookSnapshot', 'showLog']) {
      assert.ok(commands.includes(`flowsight.${id}`), `flowsight.${id} is registered`);
    }
  });

  it('shows the exchange’s best bid / best ask in the status bar', async () => {
    exchange.pause();
    try {
      const top = exchange.topOfBook('BTCUSDT', 1);
      const expected = `BTCUSDT ${formatPrice(top.bids[0][0], 1)} / ${formatPrice(top.asks[0][0], 1)}`;
      await waitFor(`status bar text "${expected}"`, () => api.statusBar.text.startsWith(`${expected} · `) || api.statusBar.text === expected);
    } finally {
      exchange.resume();
    }
  });

  it('moves the subscription to a new symbol without reconnecting when flowsight.symbol changes', async () => {
    const opened = exchange.stats().connectionsOpened;
    await config().update('symbol', 'ETHUSDT', vscode.ConfigurationTarget.Workspace);
    await waitFor('ETHUSDT live', () => api.feed.status?.health.symbol === 'ETHUSDT' && api.feed.status.health.state === 'live');
    const pub = exchange.connections().find((c) => c.route === 'public');
    assert.ok(pub && pub.streams.length > 0 && pub.streams.every((s) => s.startsWith('ethusdt@')), `exchange streams: ${pub?.streams.join(', ')}`);
    assert.equal(exchange.stats().connectionsOpened, opened, 'the same connection carried the new symbol');
    await waitFor('status bar on ETHUSDT', () => api.statusBar.text.startsWith('ETHUSDT '));
    await config().update('symbol', 'BTCUSDT', vscode.ConfigurationTarget.Workspace);
    await waitFor('BTCUSDT live again', () => api.feed.status?.health.symbol === 'BTCUSDT' && api.feed.status.health.state === 'live');
  });

  it('applies a symbol typed key by key only once typing pauses, and only one the exchange lists', async () => {
    const seen = new Set<string>();
    const sampler = setInterval(() => {
      seen.add(api.settings().symbol);
      if (api.feed.status) seen.add(`feed ${api.feed.status.health.symbol}`);
    }, 5);
    try {
      // as the Settings editor saves while a person types "ETHUSDT"
      for (const typed of ['E', 'ET', 'ETH', 'ETHU', 'ETHUS', 'ETHUSD', 'ETHUSDT']) {
        await config().update('symbol', typed, vscode.ConfigurationTarget.Workspace);
        await new Promise((r) => setTimeout(r, 60));
      }
      await waitFor('ETHUSDT live', () => api.feed.status?.health.symbol === 'ETHUSDT' && api.feed.status.health.state === 'live');
      for (const half of ['ET', 'ETH', 'ETHUS', 'ETHUSD']) {
        assert.ok(!seen.has(half) && !seen.has(`feed ${half}`), `${half} was never in force (seen ${[...seen].join(', ')})`);
      }
      // a value the exchange does not list is refused; the symbol in force stays
      await config().update('symbol', 'NOPEUSDT', vscode.ConfigurationTarget.Workspace);
      await new Promise((r) => setTimeout(r, 2000));
      assert.equal(api.settings().symbol, 'ETHUSDT');
      assert.equal(api.feed.status?.health.symbol, 'ETHUSDT');
      assert.ok(!seen.has('NOPEUSDT') && !seen.has('feed NOPEUSDT'));
    } finally {
      clearInterval(sampler);
      await config().update('symbol', 'BTCUSDT', vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('BTCUSDT live again', () => api.feed.status?.health.symbol === 'BTCUSDT' && api.feed.status.health.state === 'live');
  });

  it('health view goes live → reconnecting → live when the exchange drops the socket', async () => {
    const seen: string[] = [];
    const sub = api.feed.onStatus((s) => {
      if (seen[seen.length - 1] !== s.health.state) seen.push(s.health.state);
    });
    try {
      exchange.dropConnections();
      await waitFor('reconnecting then live', () => seen.includes('reconnecting') && seen[seen.length - 1] === 'live');
      api.tree.refresh();
      const roots = api.tree.getChildren();
      const connection = roots.find((r) => r.label === 'Connection');
      assert.ok(connection, 'the Connection section is shown');
      assert.equal(connection.description, 'live');
      const state = connection.children.find((c) => c.label === 'State');
      assert.equal((state?.iconPath as vscode.ThemeIcon).id, 'pass-filled');
    } finally {
      sub.dispose();
    }
  });

  it('opens the order-book panel, which receives and paints snapshots', async () => {
    await vscode.commands.executeCommand('flowsight.openOrderBook');
    const panel = await waitFor('the panel', () => api.panel());
    await waitFor('the webview to be ready', () => panel.isReady);
    await waitFor('frames posted and painted', () => panel.framesPosted > 3 && panel.framesPainted > 3);
    const snapshot = panel.lastSnapshot!;
    assert.equal(snapshot.symbol, 'BTCUSDT');
    assert.ok(snapshot.bids.prices.length > 0 && snapshot.asks.prices.length > 0);
  });

  it('takes the feed’s endpoint from the user settings, never from the workspace’s', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const written = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, '.vscode', 'settings.json'))).toString('utf8')) as Record<string, unknown>;
    assert.equal(written['flowsight.streamUrl'], 'ws://127.0.0.1:43791', 'the workspace tries to redirect the feed');
    assert.equal(config().inspect<string>('streamUrl')?.workspaceValue, undefined, 'VS Code drops a workspace value of a machine-scoped setting');
    assert.equal(api.settings().streamUrl, exchange.wsUrl);
    assert.equal(api.feed.status?.health.endpoint.streamUrl, exchange.wsUrl);
  });

  it('shows the same best bid / ask in the status bar, the panel and the health view: one frame', async () => {
    const panel = await waitFor('the panel', () => api.panel());
    await waitFor('frames painted', () => panel.framesPainted > 3);
    const touch = (bid: number, ask: number): string => `${formatPrice(bid, 1)} / ${formatPrice(ask, 1)}`;
    const treeTouch = (): string | undefined => {
      const book = api.tree.getChildren().find((r) => r.label === 'Book');
      return book?.children.find((c) => c.label === 'Best bid / ask')?.description as string | undefined;
    };
    const statusBarTouch = (): string | undefined => /^(?:\$\([^)]*\) )?BTCUSDT ([\d,.]+ \/ [\d,.]+)/.exec(api.statusBar.text)?.[1];
    // In a moving market: whenever two surfaces show the same frame, they show the same touch.
    let sameFrame = 0;
    const deadline = Date.now() + 4000;
    while (Date.now() < deadline) {
      const snapshot = panel.lastSnapshot;
      const panelTouch = snapshot ? touch(snapshot.bestBid, snapshot.bestAsk) : undefined;
      if (snapshot && snapshot.seq === api.statusBar.frameId) {
        sameFrame++;
        assert.equal(statusBarTouch(), panelTouch, `frame ${snapshot.seq}: status bar vs panel`);
      }
      if (api.tree.frameId !== undefined && api.tree.frameId === api.statusBar.frameId) assert.equal(treeTouch(), statusBarTouch(), `frame ${api.tree.frameId}: health view vs status bar`);
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(sameFrame > 0, 'the status bar and the panel showed the same frame at least once');
    // At a paused exchange: all three settle on the exchange's own touch.
    exchange.pause();
    try {
      const top = exchange.topOfBook('BTCUSDT', 1);
      const expected = touch(top.bids[0][0], top.asks[0][0]);
      await waitFor(`the status bar to show ${expected}`, () => statusBarTouch() === expected);
      await waitFor(`the panel to show ${expected}`, () => panel.lastSnapshot && touch(panel.lastSnapshot.bestBid, panel.lastSnapshot.bestAsk) === expected);
      await waitFor(`the health view to show ${expected}`, () => treeTouch() === expected);
      assert.equal(statusBarTouch(), treeTouch());
    } finally {
      exchange.resume();
    }
  });

  it('marks the local exchange as a custom endpoint in the status bar and the health view', async () => {
    await waitFor('the status bar marker', () => api.statusBar.text.includes(`custom ${new URL(exchange.wsUrl).host}`));
    api.tree.refresh();
    const connection = api.tree.getChildren().find((r) => r.label === 'Connection');
    const endpoint = connection?.children.find((c) => c.label === 'Endpoint');
    assert.match(String(endpoint?.description), new RegExp(`^custom endpoint ${exchange.wsUrl.replace(/[.]/g, '\\.')}`));
  });

  it('refuses a bad setting with a warning and keeps the last good value', async () => {
    await config().update('maxVisibleRows', 5, vscode.ConfigurationTarget.Workspace);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(api.settings().maxVisibleRows, 3000);
    await config().update('maxVisibleRows', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('copies the book as JSON', async () => {
    await vscode.commands.executeCommand('flowsight.copyBookSnapshot');
    const text = await vscode.env.clipboard.readText();
    const book = JSON.parse(text) as { symbol: string; bids: Array<[number, number]> };
    assert.equal(book.symbol, 'BTCUSDT');
    assert.ok(book.bids.length > 10);
  });

  it('leaves no socket, timer or worker running after deactivation', async () => {
    const extension = vscode.extensions.getExtension<FlowSightApi>(EXTENSION_ID)!;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const main = require(extension.extensionPath + '/dist/extension.js') as { deactivate(): Promise<void> };
    api.panel()?.dispose();
    await main.deactivate();
    assert.equal(api.feed.running, false, 'the worker is stopped');
    await waitFor('the exchange to see no connection', () => exchange.stats().connectionsOpen === 0, 5000);
  });
});
