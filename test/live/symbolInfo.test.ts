import * as assert from 'node:assert/strict';
import { parseExchangeInfo } from '../../src/engine/live/symbolInfo';

function info(symbol: string, priceFilter: Record<string, unknown> | undefined): unknown {
  const filters: unknown[] = [{ filterType: 'LOT_SIZE', stepSize: '0.001', minQty: '0.001', maxQty: '1000' }];
  if (priceFilter !== undefined) filters.unshift({ filterType: 'PRICE_FILTER', minPrice: '261.10', maxPrice: '809484', ...priceFilter });
  return { symbol, status: 'TRADING', baseAsset: 'BTC', quoteAsset: 'USDT', contractType: 'PERPETUAL', filters };
}

function parseOne(priceFilter: Record<string, unknown> | undefined): ReturnType<typeof parseExchangeInfo> extends Map<string, infer V> ? V : never {
  const parsed = parseExchangeInfo({ symbols: [info('BTCUSDT', priceFilter)] }).get('BTCUSDT');
  assert.ok(parsed, 'the symbol is kept, whatever its tick size');
  return parsed;
}

describe('parseExchangeInfo: tick sizes that do not fit are kept with the problem in words', () => {
  it('reads a usable tick size and step size', () => {
    const s = parseOne({ tickSize: '0.10' });
    assert.equal(s.tickSize, 0.1);
    assert.equal(s.stepSize, 0.001);
    assert.equal(s.tickProblem, undefined);
  });

  it('keeps a symbol without PRICE_FILTER and says so', () => {
    const s = parseOne(undefined);
    assert.equal(s.tickSize, 0);
    assert.match(s.tickProblem ?? '', /exchangeInfo lists no PRICE_FILTER for BTCUSDT/);
  });

  it('refuses tick 0, negative, non-numeric and missing tick sizes', () => {
    for (const tickSize of ['0', '0.000', '-0.1', 'abc', '', undefined, null]) {
      const s = parseOne({ tickSize });
      assert.equal(s.tickSize, 0, String(tickSize));
      assert.match(s.tickProblem ?? '', /is not a positive number/, String(tickSize));
    }
  });

  it('refuses a tick too fine to hold prices exactly as whole ticks (1e-10)', () => {
    const s = parseOne({ tickSize: '1e-10' });
    assert.equal(s.tickSize, 0);
    assert.match(s.tickProblem ?? '', /tick size 1e-10, finer than 9 decimals: prices cannot be held exactly as whole ticks/);
    const tiny = parseOne({ tickSize: '0.0000000000001' });
    assert.ok(tiny.tickProblem);
  });

  it('refuses a tick whose maximum price would need more ticks than a double holds exactly', () => {
    const s = parseOne({ tickSize: '0.000000001', maxPrice: '9000000' });
    assert.match(s.tickProblem ?? '', /prices up to 9000000: that is 9.0e\+15 ticks, more than can be held exactly/);
    assert.equal(parseOne({ tickSize: '0.0000001', maxPrice: '30' }).tickProblem, undefined, 'a meme coin with 7 decimals is fine');
  });

  it('still refuses exchangeInfo without a symbols list, and skips entries that are not symbols', () => {
    assert.throws(() => parseExchangeInfo({}), /no symbols list/);
    const parsed = parseExchangeInfo({ symbols: [null, { symbol: 5 }, { symbol: 'X' }, info('ETHUSDT', { tickSize: '0.01' })] });
    assert.deepEqual([...parsed.keys()], ['ETHUSDT']);
  });
});
