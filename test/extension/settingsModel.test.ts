import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, readSettings, type FlowSightSettings } from '../../src/extension/settingsModel';

function read(values: Record<string, unknown>, lastGood: FlowSightSettings = DEFAULT_SETTINGS): ReturnType<typeof readSettings> {
  return readSettings((key) => values[key], lastGood);
}

describe('settings', () => {
  it('uses the defaults for everything the user did not set', () => {
    const { settings, problems } = read({});
    assert.deepEqual(settings, DEFAULT_SETTINGS);
    assert.deepEqual(problems, []);
  });

  it('accepts good values, upper-cases the symbol and reads numeric grouping text as a number', () => {
    const { settings, problems } = read({ symbol: ' ethusdt ', feed: 'demo', priceGrouping: '10', maxVisibleRows: 500, bufferSize: 4096, 'statusBar.enabled': false, streamUrl: 'ws://127.0.0.1:9000/' });
    assert.deepEqual(problems, []);
    assert.equal(settings.symbol, 'ETHUSDT');
    assert.equal(settings.feed, 'demo');
    assert.equal(settings.priceGrouping, 10);
    assert.equal(settings.maxVisibleRows, 500);
    assert.equal(settings.bufferSize, 4096);
    assert.equal(settings.statusBarEnabled, false);
    assert.equal(settings.streamUrl, 'ws://127.0.0.1:9000', 'a trailing slash is dropped so paths append cleanly');
  });

  it('refuses a bad value with a message naming the setting and what is allowed, keeping the last good value', () => {
    const lastGood: FlowSightSettings = { ...DEFAULT_SETTINGS, maxVisibleRows: 800, bufferSize: 8192 };
    const { settings, problems } = read({ maxVisibleRows: 5, bufferSize: 1000, depthMode: 'deep', streamUrl: 'https://x', feed: 'kraken', priceGrouping: -1 }, lastGood);
    assert.equal(settings.maxVisibleRows, 800);
    assert.equal(settings.bufferSize, 8192);
    assert.equal(settings.depthMode, 'full');
    assert.equal(settings.streamUrl, DEFAULT_SETTINGS.streamUrl);
    const bySetting = new Map(problems.map((p) => [p.setting, p.message]));
    assert.match(bySetting.get('flowsight.maxVisibleRows') ?? '', /^flowsight\.maxVisibleRows: 5 is not allowed — use a whole number from 20 to 10000\. Keeping 800\.$/);
    assert.match(bySetting.get('flowsight.bufferSize') ?? '', /a power of two from 1024 to 1048576/);
    assert.match(bySetting.get('flowsight.depthMode') ?? '', /"full" or "depth20"/);
    assert.match(bySetting.get('flowsight.streamUrl') ?? '', /wss or ws URL/);
    assert.match(bySetting.get('flowsight.feed') ?? '', /"binance" or "demo"/);
    assert.match(bySetting.get('flowsight.priceGrouping') ?? '', /"auto" or a positive number/);
    assert.equal(problems.length, 6);
  });

  it('refuses a symbol that cannot be a futures symbol', () => {
    const { settings, problems } = read({ symbol: 'BTC/USDT' });
    assert.equal(settings.symbol, 'BTCUSDT');
    assert.match(problems[0].message, /flowsight\.symbol: "BTC\/USDT" is not allowed/);
  });
});
