import assert from 'node:assert/strict';
import {
  ConfigError,
  DEFAULT_ENGINE_CONFIG,
  DepthMode,
  EngineConfig,
  EngineConfigBuilder,
  PriceGrouping,
  validateEngineConfig,
} from '../../src/engine/config/engineConfig';

function rejection(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected ConfigError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ConfigError to be thrown');
}

describe('engine config defaults', () => {
  it('defaults to BTCUSDT, a 65536-event buffer, 5 reconnects, 3000 rows, auto grouping and full depth', () => {
    assert.deepEqual(DEFAULT_ENGINE_CONFIG, {
      symbol: 'BTCUSDT',
      eventBufferSize: 65536,
      maxReconnectAttempts: 5,
      maxVisibleRows: 3000,
      priceGrouping: 'auto',
      depthMode: 'full',
    });
  });

  it('freezes the defaults so no caller can change them for everyone', () => {
    assert.ok(Object.isFrozen(DEFAULT_ENGINE_CONFIG));
  });
});

describe('EngineConfigBuilder', () => {
  it('builds the defaults when nothing is set', () => {
    assert.deepEqual(new EngineConfigBuilder().build(), DEFAULT_ENGINE_CONFIG);
  });

  it('applies every fluent setter and returns a frozen config', () => {
    const config = new EngineConfigBuilder()
      .symbol('ethusdt')
      .eventBufferSize(1024)
      .maxReconnectAttempts(0)
      .maxVisibleRows(20)
      .priceGrouping(0.5)
      .depthMode('depth20')
      .build();
    assert.deepEqual(config, {
      symbol: 'ETHUSDT',
      eventBufferSize: 1024,
      maxReconnectAttempts: 0,
      maxVisibleRows: 20,
      priceGrouping: 0.5,
      depthMode: 'depth20',
    });
    assert.ok(Object.isFrozen(config));
  });

  it('starts from a given base config', () => {
    const base = new EngineConfigBuilder().symbol('SOLUSDT').maxVisibleRows(500).build();
    const config = new EngineConfigBuilder(base).depthMode('depth20').build();
    assert.equal(config.symbol, 'SOLUSDT');
    assert.equal(config.maxVisibleRows, 500);
    assert.equal(config.depthMode, 'depth20');
  });

  it('gives each build() its own snapshot unaffected by later setter calls', () => {
    const builder = new EngineConfigBuilder();
    const first = builder.build();
    builder.maxVisibleRows(100);
    assert.equal(first.maxVisibleRows, 3000);
    assert.equal(builder.build().maxVisibleRows, 100);
  });

  it('trims and upper-cases the symbol', () => {
    assert.equal(new EngineConfigBuilder().symbol('  btcusdt \n').build().symbol, 'BTCUSDT');
  });

  it('accepts USDⓈ-M symbols with leading digits, delivery suffixes and up to 40 characters', () => {
    for (const symbol of ['1000PEPEUSDT', 'BTCUSDT_250328', 'OP', `${'A'.repeat(40)}`]) {
      assert.equal(new EngineConfigBuilder().symbol(symbol).build().symbol, symbol);
    }
  });

  it('rejects symbols that are too short, too long, digit-only or contain other characters', () => {
    for (const symbol of ['', 'B', '1000', '___', 'BTC-USDT', 'BTC USDT', 'A'.repeat(41), 'BTCUSDⓈ']) {
      const error = rejection(() => new EngineConfigBuilder().symbol(symbol));
      assert.equal(error.setting, 'symbol', symbol);
      assert.equal(error.value, symbol);
    }
  });

  it('rejects an event buffer size of 1000 with a message naming the setting, the value and what is allowed', () => {
    const error = rejection(() => new EngineConfigBuilder().eventBufferSize(1000));
    assert.equal(error.message, 'eventBufferSize: 1000 is not allowed — use a power of two from 1024 to 1048576');
    assert.equal(error.setting, 'eventBufferSize');
    assert.equal(error.allowed, 'a power of two from 1024 to 1048576');
    assert.equal(error.value, 1000);
    assert.equal(error.name, 'ConfigError');
    assert.ok(error instanceof Error);
  });

  it('accepts every power of two from 1024 to 1048576 as the event buffer size', () => {
    for (let size = 1024; size <= 1048576; size *= 2) {
      assert.equal(new EngineConfigBuilder().eventBufferSize(size).build().eventBufferSize, size);
    }
  });

  it('rejects event buffer sizes outside the range, not powers of two, or not whole numbers', () => {
    for (const size of [512, 2097152, 3072, 1536.5, 0, -1024, NaN, Infinity]) {
      assert.equal(rejection(() => new EngineConfigBuilder().eventBufferSize(size)).setting, 'eventBufferSize');
    }
  });

  it('accepts 0 to 100 reconnect attempts and rejects anything else', () => {
    assert.equal(new EngineConfigBuilder().maxReconnectAttempts(100).build().maxReconnectAttempts, 100);
    for (const attempts of [-1, 101, 2.5, NaN]) {
      const error = rejection(() => new EngineConfigBuilder().maxReconnectAttempts(attempts));
      assert.equal(error.setting, 'maxReconnectAttempts');
      assert.equal(error.allowed, 'a whole number from 0 to 100');
    }
  });

  it('accepts 20 to 10000 visible rows and rejects anything else', () => {
    assert.equal(new EngineConfigBuilder().maxVisibleRows(10000).build().maxVisibleRows, 10000);
    for (const rows of [19, 10001, 100.5, Infinity]) {
      const error = rejection(() => new EngineConfigBuilder().maxVisibleRows(rows));
      assert.equal(error.setting, 'maxVisibleRows');
      assert.equal(error.allowed, 'a whole number from 20 to 10000');
    }
  });

  it('accepts "auto" or a positive finite price grouping and rejects anything else', () => {
    assert.equal(new EngineConfigBuilder().priceGrouping(0.1).build().priceGrouping, 0.1);
    assert.equal(new EngineConfigBuilder().priceGrouping(25).priceGrouping('auto').build().priceGrouping, 'auto');
    for (const grouping of [0, -1, Infinity, NaN, 'AUTO' as PriceGrouping]) {
      assert.equal(rejection(() => new EngineConfigBuilder().priceGrouping(grouping)).setting, 'priceGrouping');
    }
  });

  it('accepts only "full" or "depth20" as the depth mode', () => {
    const error = rejection(() => new EngineConfigBuilder().depthMode('depth5' as DepthMode));
    assert.equal(error.message, 'depthMode: "depth5" is not allowed — use "full" or "depth20"');
  });

  it('keeps the previous value when a setter throws, so the builder stays usable', () => {
    const builder = new EngineConfigBuilder().maxVisibleRows(400);
    assert.throws(() => builder.maxVisibleRows(5), ConfigError);
    assert.equal(builder.build().maxVisibleRows, 400);
  });
});

describe('validateEngineConfig', () => {
  const lastGood: EngineConfig = new EngineConfigBuilder()
    .symbol('ETHUSDT')
    .eventBufferSize(4096)
    .maxReconnectAttempts(9)
    .maxVisibleRows(800)
    .priceGrouping(1)
    .depthMode('depth20')
    .build();

  it('accepts a fully valid input without errors, normalising the symbol', () => {
    const { config, errors } = validateEngineConfig({
      symbol: ' solusdt ',
      eventBufferSize: 2048,
      maxReconnectAttempts: 3,
      maxVisibleRows: 100,
      priceGrouping: 'auto',
      depthMode: 'full',
    });
    assert.deepEqual(errors, []);
    assert.deepEqual(config, {
      symbol: 'SOLUSDT',
      eventBufferSize: 2048,
      maxReconnectAttempts: 3,
      maxVisibleRows: 100,
      priceGrouping: 'auto',
      depthMode: 'full',
    });
  });

  it('fills missing settings from the defaults without reporting them', () => {
    const { config, errors } = validateEngineConfig({ maxVisibleRows: 50 });
    assert.deepEqual(errors, []);
    assert.deepEqual(config, { ...DEFAULT_ENGINE_CONFIG, maxVisibleRows: 50 });
  });

  it('reports every bad setting and keeps the fallback config value for each, leaving good ones applied', () => {
    const { config, errors } = validateEngineConfig(
      {
        symbol: 'BTC/USDT',
        eventBufferSize: 1000,
        maxReconnectAttempts: 2,
        maxVisibleRows: '3000',
        priceGrouping: -5,
        depthMode: null,
      },
      lastGood,
    );
    assert.deepEqual(
      errors.map((e) => e.setting),
      ['symbol', 'eventBufferSize', 'maxVisibleRows', 'priceGrouping', 'depthMode'],
    );
    assert.ok(errors.every((e) => e instanceof ConfigError));
    assert.deepEqual(config, { ...lastGood, maxReconnectAttempts: 2 });
  });

  it('describes wrong-typed values in the message without dumping them', () => {
    const { errors } = validateEngineConfig({ maxVisibleRows: '3000', symbol: { evil: true }, depthMode: null });
    assert.deepEqual(
      errors.map((e) => e.message),
      [
        'symbol: a value of type object is not allowed — use 2 to 40 letters, digits or underscores with at least one letter, e.g. BTCUSDT',
        'maxVisibleRows: "3000" is not allowed — use a whole number from 20 to 10000',
        'depthMode: null is not allowed — use "full" or "depth20"',
      ],
    );
  });

  it('ignores settings it does not know', () => {
    const input = { maxVisibleRows: 60, colour: 'red' } as Partial<Record<keyof EngineConfig, unknown>>;
    const { config, errors } = validateEngineConfig(input);
    assert.deepEqual(errors, []);
    assert.deepEqual(Object.keys(config).sort(), Object.keys(DEFAULT_ENGINE_CONFIG).sort());
  });

  it('treats input that is not an object as empty and returns the fallback', () => {
    const notAnObject = 'settings' as unknown as Partial<Record<keyof EngineConfig, unknown>>;
    const { config, errors } = validateEngineConfig(notAnObject, lastGood);
    assert.deepEqual(errors, []);
    assert.deepEqual(config, lastGood);
  });

  it('returns a frozen config that is a copy, not the fallback object itself', () => {
    const { config } = validateEngineConfig({}, lastGood);
    assert.ok(Object.isFrozen(config));
    assert.notEqual(config, lastGood);
  });
});
