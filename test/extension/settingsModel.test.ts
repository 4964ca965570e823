import * as assert from 'node:assert/strict';
import { DEFAULT_SETTINGS, ProblemsReportedOnce, readSettings, userOnlyValuesInSettingsFile, type FlowSightSettings } from '../../src/extension/settingsModel';

/** Values as the user wrote them in user settings. */
function read(values: Record<string, unknown>, lastGood: FlowSightSettings = DEFAULT_SETTINGS): ReturnType<typeof readSettings> {
  return readSettings((key) => ({ user: values[key] }), lastGood);
}

/** Values from user settings and from the workspace's .vscode/settings.json. */
function readBoth(user: Record<string, unknown>, workspace: Record<string, unknown>, lastGood: FlowSightSettings = DEFAULT_SETTINGS): ReturnType<typeof readSettings> {
  return readSettings((key) => ({ user: user[key], workspace: workspace[key] }), lastGood);
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

  describe('where market data comes from is the user’s choice, never a workspace’s', () => {
    const user = { streamUrl: 'ws://127.0.0.1:9000', restUrl: 'http://127.0.0.1:9000', feed: 'binance' };
    const hostile = { streamUrl: 'wss://attacker.example', restUrl: 'https://attacker.example', feed: 'demo' };

    it('ignores a workspace streamUrl, restUrl and feed and keeps the user’s, saying each was ignored', () => {
      const { settings, problems } = readBoth(user, hostile);
      assert.equal(settings.streamUrl, 'ws://127.0.0.1:9000');
      assert.equal(settings.restUrl, 'http://127.0.0.1:9000');
      assert.equal(settings.feed, 'binance');
      assert.deepEqual(problems.map((p) => p.setting).sort(), ['flowsight.feed', 'flowsight.restUrl', 'flowsight.streamUrl']);
      const stream = problems.find((p) => p.setting === 'flowsight.streamUrl')!.message;
      assert.match(stream, /^flowsight\.streamUrl: this workspace's settings ask for "wss:\/\/attacker\.example"; ignored, .*user settings only\. Using "ws:\/\/127\.0\.0\.1:9000"\.$/);
    });

    it('falls back to the defaults, not to the workspace, when the user set nothing', () => {
      const { settings } = readBoth({}, hostile);
      assert.equal(settings.streamUrl, DEFAULT_SETTINGS.streamUrl);
      assert.equal(settings.restUrl, DEFAULT_SETTINGS.restUrl);
      assert.equal(settings.feed, DEFAULT_SETTINGS.feed);
    });

    it('says nothing when the workspace asks for what is in force anyway', () => {
      const { problems } = readBoth(user, { ...user, streamUrl: 'ws://127.0.0.1:9000/' });
      assert.deepEqual(problems, []);
    });

    it('still lets a workspace choose what to look at (symbol, rows)', () => {
      const { settings, problems } = readBoth({ symbol: 'BTCUSDT', maxVisibleRows: 500 }, { symbol: 'ETHUSDT', maxVisibleRows: 800 });
      assert.deepEqual(problems, []);
      assert.equal(settings.symbol, 'ETHUSDT');
      assert.equal(settings.maxVisibleRows, 800);
    });

    it('masks credentials of an ignored workspace URL', () => {
      const { problems } = readBoth(user, { streamUrl: 'wss://me:hunter2@attacker.example' });
      assert.equal(problems.length, 1);
      assert.doesNotMatch(problems[0].message, /hunter2|\bme\b/);
      assert.match(problems[0].message, /\*\*\*:\*\*\*@attacker\.example/);
    });
  });

  describe('endpoint URLs', () => {
    const refused = (streamUrl: unknown): string => {
      const lastGood = { ...DEFAULT_SETTINGS, streamUrl: 'ws://127.0.0.1:9000' };
      const { settings, problems } = read({ streamUrl }, lastGood);
      assert.equal(settings.streamUrl, 'ws://127.0.0.1:9000', `${String(streamUrl)} keeps the last good value`);
      assert.equal(problems.length, 1, `${String(streamUrl)} is refused`);
      assert.equal(problems[0].setting, 'flowsight.streamUrl');
      assert.match(problems[0].message, /Keeping "ws:\/\/127\.0\.0\.1:9000"\.$/);
      return problems[0].message;
    };

    it('take wss/ws for the stream and https/http for REST, nothing else', () => {
      assert.match(refused('https://fstream.binance.com'), /use a wss or ws URL such as wss:\/\/fstream\.binance\.com/);
      assert.match(refused('file:///etc/passwd'), /wss or ws URL/);
      assert.match(refused('javascript:alert(1)'), /wss or ws URL/);
      assert.match(refused(42), /wss or ws URL/);
      const { problems } = read({ restUrl: 'ws://127.0.0.1:9000' });
      assert.match(problems[0].message, /^flowsight\.restUrl: .* use a https or http URL such as https:\/\/fapi\.binance\.com/);
      assert.deepEqual(read({ streamUrl: 'wss://fstream.binance.com', restUrl: 'https://fapi.binance.com/' }).problems, []);
    });

    it('refuse credentials, and never repeat them in the message', () => {
      const message = refused('wss://alice:s3cret@fstream.binance.com');
      assert.match(message, /without a user name or password/);
      assert.doesNotMatch(message, /alice|s3cret/);
    });

    it('refuse a query or a fragment, which the appended paths would mangle', () => {
      assert.match(refused('wss://fstream.binance.com/?x=1'), /without a query/);
      assert.match(refused('wss://fstream.binance.com#top'), /or fragment/);
      assert.match(refused('wss://fstream.binance.com?'), /without a query/);
    });

    it('need a real host', () => {
      assert.match(refused('ws://'), /wss or ws URL/);
      assert.match(refused('ws:fstream.binance.com'), /with a host name or address/);
      assert.match(refused('ws://exa_mple.com'), /with a host name or address/);
      for (const good of ['ws://localhost:8080', 'ws://[::1]:9000', 'wss://fstream.binance.com/proxy/path', 'ws://127.0.0.1:9000']) {
        assert.deepEqual(read({ streamUrl: good }).problems, [], good);
      }
    });
  });

  describe('ProblemsReportedOnce', () => {
    it('reports a problem once while it lasts, and again once it comes back', () => {
      const once = new ProblemsReportedOnce();
      const a = { setting: 'flowsight.streamUrl', message: 'a' };
      const b = { setting: 'flowsight.maxVisibleRows', message: 'b' };
      assert.deepEqual(once.fresh([a]), [a]);
      assert.deepEqual(once.fresh([a, b]), [b]);
      assert.deepEqual(once.fresh([a, b]), []);
      assert.deepEqual(once.fresh([b]), []);
      assert.deepEqual(once.fresh([a, b]), [a]);
    });
  });

  describe('deferred symbol', () => {
    it('keeps the symbol in force and hands back what was typed', () => {
      const lastGood = { ...DEFAULT_SETTINGS, symbol: 'ETHUSDT' };
      const result = readSettings((key) => ({ user: key === 'symbol' ? 'BTC-' : undefined }), lastGood, { deferSymbol: true });
      assert.equal(result.settings.symbol, 'ETHUSDT');
      assert.equal(result.symbolInput, 'BTC-');
      assert.deepEqual(result.problems, [], 'no warning while typing');
    });
  });

  describe('userOnlyValuesInSettingsFile (what a workspace file tries, for the report)', () => {
    it('finds the feed settings in a settings.json with comments and trailing commas', () => {
      const text = `{
        // point FlowSight at "our" server
        "flowsight.streamUrl": "wss://attacker.example/ws", /* and REST */
        "flowsight.restUrl": "https://attacker.example",
        "flowsight.symbol": "ETHUSDT",
        "editor.tabSize": 2,
        "note": "a string with // and /* and ,} inside",
      }`;
      assert.deepEqual([...userOnlyValuesInSettingsFile(text)], [
        ['streamUrl', 'wss://attacker.example/ws'],
        ['restUrl', 'https://attacker.example'],
      ]);
    });

    it('reads the settings section of a .code-workspace file', () => {
      const text = '{ "folders": [{ "path": "." }], "settings": { "flowsight.feed": "demo", }, }';
      assert.deepEqual([...userOnlyValuesInSettingsFile(text, 'settings')], [['feed', 'demo']]);
    });

    it('yields nothing for a file that is not settings', () => {
      for (const text of ['', 'not json', '[1, 2]', 'null', '{ "flowsight.streamUrl": ']) assert.equal(userOnlyValuesInSettingsFile(text).size, 0, text);
    });
  });
});
