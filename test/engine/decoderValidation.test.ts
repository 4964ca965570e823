import * as assert from 'node:assert/strict';
import { FrameDecoder } from '../../src/engine/protocol/frameDecoder';
import { parseDecimal } from '../../src/engine/protocol/decimal';
import type { EngineEvent } from '../../src/engine/protocol/events';

/** The impossible numbers of issue 8: none may ever reach a book level. */
const BAD_PRICES = ['0', '0.0', '61659.75', '6.00001e4', '1e308', '1e-400', '0060000.1', '-61659.7', '.5', '61659.', 'NaN', 'Infinity', '99999999999999999999.9'];
const BAD_QTYS = ['-1', '1e308', '1e-400', '007', 'NaN', 'Infinity', '-0.001', '1.5e2'];

const depth = (price: string, qty: string, stream = 'btcusdt@depth@100ms'): string =>
  `{"stream":"${stream}","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[["61659.7","1.0"],["${price}","${qty}"]],"a":[["61659.8","2"]]}}`;
const spacedDepth = (price: string, qty: string): string =>
  `{ "stream": "btcusdt@depth@100ms", "data": { "e": "depthUpdate", "E": 1, "T": 1, "s": "BTCUSDT", "U": 1, "u": 2, "pu": 0, "b": [ ["${price}", "${qty}"] ], "a": [] } }`;
const bookTicker = (price: string, qty: string): string =>
  `{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT","b":"${price}","B":"${qty}","a":"61659.8","A":"1","T":1,"E":1}}`;
const trade = (price: string, qty: string): string =>
  `{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":1,"p":"${price}","q":"${qty}","X":"MARKET","m":true}}`;
const snapshot = (price: string, qty: string): string => `{"lastUpdateId":7,"E":1,"T":1,"bids":[["${price}","${qty}"]],"asks":[["61659.8","1"]]}`;

function decode(text: string, tick = 0.1): { event: EngineEvent; decoder: FrameDecoder } {
  const decoder = new FrameDecoder('BTCUSDT', tick);
  return { event: decoder.decode(text, 1), decoder };
}

function assertMalformed(text: string, tick = 0.1): string {
  const { event, decoder } = decode(text, tick);
  assert.equal(event.type, 'malformed', `accepted ${text}`);
  assert.equal(decoder.getStats().malformed, 1, 'counted');
  return event.type === 'malformed' ? event.reason : '';
}

describe('FrameDecoder: impossible numbers are malformed, never merged', () => {
  for (const [name, frame, type] of [
    ['diff depth', depth, 'depthUpdate'],
    ['diff depth with whitespace (general parser)', spacedDepth, 'depthUpdate'],
    ['partial depth (depth20)', (p: string, q: string) => depth(p, q, 'btcusdt@depth20@100ms'), 'depthUpdate'],
    ['bookTicker', bookTicker, 'bookTicker'],
    ['trade', trade, 'trade'],
  ] as const) {
    it(`${name}: rejects every bad price and quantity, with the reason`, () => {
      for (const price of BAD_PRICES) {
        const reason = assertMalformed(frame(price, '1'));
        assert.ok(reason.length > 10, `a reason for ${price}`);
      }
      for (const qty of BAD_QTYS) assertMalformed(frame('61659.7', qty));
      assert.equal(decode(frame('61659.70', '0.000')).event.type, type, 'trailing zeros are on the grid');
    });
  }

  it('says why: zero, off the grid, not a plain decimal', () => {
    assert.match(assertMalformed(spacedDepth('0', '1')), /bad level \["0","1"\]: the price must be above 0/);
    assert.match(assertMalformed(depth('61659.75', '1')), /bad level \["61659.75","1"\]: the price is not a multiple of the tick size 0.1/);
    assert.match(assertMalformed(depth('6.00001e4', '1')), /bad level \["6.00001e4","1"\]: the price must be a plain decimal/);
    assert.match(assertMalformed(depth('0060000.1', '1')), /plain decimal \(no exponent, no leading zeros\)/);
    assert.match(assertMalformed(depth('61659.7', '-1')), /the quantity must be a non-negative plain decimal/);
    assert.match(assertMalformed(trade('61659.75', '1')), /trade: field 'p' \("61659.75"\): the price is not a multiple of the tick size 0.1/);
    assert.match(assertMalformed(bookTicker('0', '1')), /bookTicker: field 'b' \("0"\): the price must be above 0/);
  });

  it('drops the whole frame and still names its stream, so a broken diff can be recognised as depth', () => {
    const { event } = decode(depth('61659.75', '1'));
    assert.equal(event.type, 'malformed');
    if (event.type === 'malformed') assert.equal(event.stream, 'btcusdt@depth@100ms');
  });

  it('checks ticks that are not a power of ten (0.5, 5) exactly', () => {
    const at = (price: string, touch: [string, string]): string => depth(price, '1').replace('61659.7', touch[0]).replace('61659.8', touch[1]);
    assert.equal(decode(at('100.5', ['101', '101.5']), 0.5).event.type, 'depthUpdate');
    assert.equal(decode(at('100.50', ['101', '101.5']), 0.5).event.type, 'depthUpdate');
    assertMalformed(at('100.3', ['101', '101.5']), 0.5);
    assert.equal(decode(at('61655', ['61650', '61660']), 5).event.type, 'depthUpdate');
    assertMalformed(at('61653', ['61650', '61660']), 5);
    assertMalformed(at('61655.5', ['61650', '61660']), 5);
  });

  it('without a tick (e.g. a recording of an unknown symbol) checks everything but the grid', () => {
    const decoder = new FrameDecoder('BTCUSDT');
    assert.equal(decoder.decode(depth('61659.75', '1')).type, 'depthUpdate');
    assert.equal(decoder.decode(depth('0', '1')).type, 'malformed');
    assert.equal(decoder.decode(depth('1e308', '1')).type, 'malformed');
  });

  it('REST snapshot: rejects price 0, exponents, leading zeros and negative or non-finite quantities', () => {
    for (const price of ['0', '6.00001e4', '1e308', '1e-400', '0060000.1', '-5', 'NaN']) {
      assert.match(assertMalformed(snapshot(price, '1')), /depth snapshot: bids\[0\] .* needs a price above 0 and a non-negative quantity/);
    }
    for (const qty of BAD_QTYS) assertMalformed(snapshot('61659.7', qty));
    assert.equal(decode(snapshot('61659.7', '0.5')).event.type, 'depthSnapshot');
  });

  it('parseDecimal reads only the plain form Binance writes', () => {
    assert.equal(parseDecimal('61659.70', 0, 8), 61659.7);
    assert.equal(parseDecimal('0.00001234', 0, 10), 0.00001234);
    assert.equal(parseDecimal('-0.5', 0, 4), -0.5);
    assert.equal(parseDecimal('1234567890123456789', 0, 19), 1234567890123456789);
    for (const bad of ['1e5', '6.00001e4', '1E-400', '00.1', '0060000.1', '.5', '5.', '-', '', '1.2.3', ' 1', '9'.repeat(400)]) {
      assert.ok(Number.isNaN(parseDecimal(bad, 0, bad.length)), `${JSON.stringify(bad.slice(0, 20))} is not a plain decimal`);
    }
  });
});
