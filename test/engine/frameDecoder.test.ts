import * as assert from 'node:assert/strict';
import { FrameDecoder } from '../../src/engine/protocol/frameDecoder';
import type { EngineEvent } from '../../src/engine/protocol/events';
import { fixtureFrames } from './support/recordingFixture';

const decoder = (): FrameDecoder => new FrameDecoder('BTCUSDT');

function decodeOk<K extends EngineEvent['type']>(text: string, type: K): Extract<EngineEvent, { type: K }> {
  const event = decoder().decode(text, 1);
  assert.equal(event.type, type, `expected ${type}, got ${JSON.stringify(event)}`);
  return event as Extract<EngineEvent, { type: K }>;
}

function malformedReason(text: string): string {
  const d = decoder();
  const event = d.decode(text, 7);
  assert.equal(event.type, 'malformed', `expected malformed for ${text.slice(0, 80)}, got ${event.type}`);
  assert.equal(d.getStats().malformed, 1);
  return event.type === 'malformed' ? event.reason : '';
}

const DEPTH = '{"e":"depthUpdate","E":1723161256509,"T":1723161256505,"s":"BTCUSDT","U":5123107850310,"u":5123107853551,"pu":5123107850146,"b":[["61800.20","2.909"],["61799.00","0.000"]],"a":[["61800.30","1.072"]]}';

/** Independent reference: JSON.parse and a plain walk, the way any JSON-fed client would read it. */
function reference(text: string): Record<string, unknown> | undefined {
  const msg = JSON.parse(text) as Record<string, unknown>;
  const data = (msg.data ?? msg) as Record<string, unknown>;
  const flat = (levels: unknown): number[] => (levels as string[][]).flatMap(([p, q]) => [parseFloat(p), parseFloat(q)]);
  switch (data.e) {
    case 'depthUpdate':
      return { type: 'depthUpdate', symbol: data.s, eventTime: data.E, transactionTime: data.T, firstUpdateId: data.U, finalUpdateId: data.u, prevFinalUpdateId: data.pu, bids: flat(data.b), asks: flat(data.a) };
    case 'bookTicker':
      return { type: 'bookTicker', symbol: data.s, updateId: data.u, eventTime: data.E, transactionTime: data.T, bidPrice: parseFloat(data.b as string), bidQty: parseFloat(data.B as string), askPrice: parseFloat(data.a as string), askQty: parseFloat(data.A as string) };
    case 'trade':
      return { type: 'trade', symbol: data.s, eventTime: data.E, tradeTime: data.T, id: data.t, price: parseFloat(data.p as string), qty: parseFloat(data.q as string), buyerIsMaker: data.m, aggregated: false };
    default:
      return undefined;
  }
}

describe('FrameDecoder', () => {
  describe('payloads', () => {
    it('decodes a combined-stream diff depth frame with numeric levels and remembers the stream', () => {
      const d = decoder();
      const event = d.decode(`{"stream":"btcusdt@depth@100ms","data":${DEPTH}}`);
      assert.equal(d.lastStream, 'btcusdt@depth@100ms');
      assert.deepEqual(event, {
        type: 'depthUpdate',
        symbol: 'BTCUSDT',
        eventTime: 1723161256509,
        transactionTime: 1723161256505,
        firstUpdateId: 5123107850310,
        finalUpdateId: 5123107853551,
        prevFinalUpdateId: 5123107850146,
        bids: [61800.2, 2.909, 61799, 0],
        asks: [61800.3, 1.072],
      });
    });

    it('decodes the same depth payload sent raw (/ws path) and with its fields in another order', () => {
      const raw = decodeOk(DEPTH, 'depthUpdate');
      const reordered = decodeOk(
        '{"e":"depthUpdate","s":"BTCUSDT","pu":5123107850146,"u":5123107853551,"U":5123107850310,"a":[["61800.30","1.072"]],"b":[["61800.20","2.909"],["61799.00","0.000"]],"T":1723161256505,"E":1723161256509}',
        'depthUpdate',
      );
      assert.deepEqual(reordered, raw);
    });

    it('decodes depth frames with whitespace and the 2026 extra fields (ps, st)', () => {
      const spaced = decodeOk(
        '{ "stream" : "btcusdt@depth20@100ms" , "data" : { "e" : "depthUpdate", "E" : 5, "T" : 4, "s" : "BTCUSDT", "U" : 10, "u" : 12, "pu" : 9, "b" : [ [ "1.5" , "2" ] ], "a" : [ ] , "ps":"BTCUSDT","st":"x"} }',
        'depthUpdate',
      );
      assert.deepEqual([spaced.bids, spaced.asks, spaced.finalUpdateId], [[1.5, 2], [], 12]);
      const compact = decodeOk(
        '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":5,"T":4,"s":"BTCUSDT","U":10,"u":12,"pu":9,"b":[],"a":[["2.5","1"]],"ps":"BTCUSDT","st":"x"}}',
        'depthUpdate',
      );
      assert.deepEqual(compact.asks, [2.5, 1]);
    });

    it('decodes bookTicker in the recorded field order and in the documented one', () => {
      const recorded = decodeOk(
        '{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510","T":1723161256313,"E":1723161256314}}',
        'bookTicker',
      );
      const documented = decodeOk(
        '{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":5123107839020,"E":1723161256314,"T":1723161256313,"s":"BTCUSDT","b":"61800.20","B":"2.507","a":"61800.30","A":"2.510"}}',
        'bookTicker',
      );
      assert.deepEqual(recorded, documented);
      assert.deepEqual(recorded, {
        type: 'bookTicker', symbol: 'BTCUSDT', updateId: 5123107839020, eventTime: 1723161256314, transactionTime: 1723161256313,
        bidPrice: 61800.2, bidQty: 2.507, askPrice: 61800.3, askQty: 2.51,
      });
    });

    it('decodes trade and takes m=true as buyer-is-maker', () => {
      const t = decodeOk('{"stream":"btcusdt@trade","data":{"e":"trade","E":1723161256322,"T":1723161256321,"s":"BTCUSDT","t":5266583935,"p":"61800.30","q":"0.006","X":"MARKET","m":true}}', 'trade');
      assert.deepEqual(t, { type: 'trade', symbol: 'BTCUSDT', eventTime: 1723161256322, tradeTime: 1723161256321, id: 5266583935, price: 61800.3, qty: 0.006, buyerIsMaker: true, aggregated: false });
    });

    it('decodes aggTrade with the aggregate id', () => {
      const t = decodeOk('{"stream":"btcusdt@aggTrade","data":{"e":"aggTrade","E":123456789,"s":"BTCUSDT","a":5933014,"p":"0.001","q":"100","f":100,"l":105,"T":123456785,"m":false}}', 'trade');
      assert.equal(t.id, 5933014);
      assert.equal(t.aggregated, true);
      assert.equal(t.buyerIsMaker, false);
      assert.equal(t.price, 0.001);
    });

    it('decodes markPriceUpdate as a tick price', () => {
      const t = decodeOk('{"stream":"btcusdt@markPrice","data":{"e":"markPriceUpdate","E":1562305380000,"s":"BTCUSDT","p":"11794.15000000","i":"11784.62659091","P":"11784.25641265","r":"0.00038167","T":1562306400000}}', 'tickPrice');
      assert.deepEqual(t, { type: 'tickPrice', symbol: 'BTCUSDT', eventTime: 1562305380000, markPrice: 11794.15, indexPrice: 11784.62659091, fundingRate: 0.00038167, nextFundingTime: 1562306400000 });
    });

    it('decodes forceOrder as a liquidation', () => {
      const l = decodeOk('{"stream":"btcusdt@forceOrder","data":{"e":"forceOrder","E":1568014460893,"o":{"s":"BTCUSDT","S":"SELL","o":"LIMIT","f":"IOC","q":"0.014","p":"9910","ap":"9910","X":"FILLED","l":"0.014","z":"0.014","T":1568014460893}}}', 'liquidation');
      assert.deepEqual(l, { type: 'liquidation', symbol: 'BTCUSDT', eventTime: 1568014460893, tradeTime: 1568014460893, side: 'SELL', price: 9910, avgPrice: 9910, qty: 0.014, filledQty: 0.014, status: 'FILLED' });
    });

    it('decodes a REST depth snapshot, attributing it to the default symbol', () => {
      const s = decodeOk('{"lastUpdateId":5123107852948,"E":1723161256501,"T":1723161256493,"bids":[["61800.20","2.909"]],"asks":[["61800.30","1.072"],["61800.40","0.5"]]}', 'depthSnapshot');
      assert.deepEqual(s, { type: 'depthSnapshot', symbol: 'BTCUSDT', lastUpdateId: 5123107852948, eventTime: 1723161256501, transactionTime: 1723161256493, bids: [61800.2, 2.909], asks: [61800.3, 1.072, 61800.4, 0.5] });
    });

    it('decodes control replies and server error objects', () => {
      assert.deepEqual(decodeOk('{"result":null,"id":3}', 'controlReply'), { type: 'controlReply', id: 3, result: null });
      assert.deepEqual(decodeOk('{"result":["btcusdt@trade"],"id":4}', 'controlReply'), { type: 'controlReply', id: 4, result: ['btcusdt@trade'] });
      assert.deepEqual(decodeOk('{"code":2,"msg":"Invalid request: unknown method","id":5}', 'controlReply'), {
        type: 'controlReply', id: 5, result: null, error: { code: 2, msg: 'Invalid request: unknown method' },
      });
    });

    it('parses prices exactly as parseFloat does, including long and exotic decimals', () => {
      for (const p of ['0.00001234', '61659.7', '61659.70', '0.1', '123456789012.5', '1234567890123456789', '5', '0.0000000001', '99999.99999999']) {
        const t = decodeOk(`{"e":"trade","E":1,"T":1,"s":"X","t":1,"p":"${p}","q":"1","m":false}`, 'trade');
        assert.equal(t.price, parseFloat(p), p);
      }
    });

    it('decodes every frame of the real recording exactly as JSON.parse plus a plain walk would', () => {
      const d = decoder();
      let compared = 0;
      for (const frame of fixtureFrames()) {
        const expected = reference(frame.text);
        const event = d.decode(frame.text);
        if (expected === undefined) {
          assert.equal(event.type, 'depthSnapshot');
          continue;
        }
        assert.deepEqual(event, expected);
        compared++;
      }
      assert.equal(compared, 93953);
      assert.equal(d.getStats().malformed, 0);
    });
  });

  describe('malformed frames', () => {
    it('reports an empty frame, plain text and a JSON array', () => {
      assert.match(malformedReason(''), /empty frame/);
      assert.match(malformedReason('hello'), /not a JSON object/);
      assert.match(malformedReason('[1,2]'), /not a JSON object/);
    });

    it('reports truncation wherever the frame is cut, never throwing', () => {
      const full = `{"stream":"btcusdt@depth@100ms","data":${DEPTH}}`;
      for (let cut = 1; cut < full.length; cut++) {
        const d = decoder();
        const event = d.decode(full.slice(0, cut));
        assert.equal(event.type, 'malformed', `cut at ${cut}`);
      }
    });

    it('names the missing field and the frame type', () => {
      assert.match(malformedReason('{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"b":[],"a":[]}}'), /depthUpdate: field 'pu' must be a number/);
      assert.match(malformedReason('{"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":1,"s":"BTCUSDT","b":"1","B":"1","a":"2"}}'), /bookTicker: field 'A'/);
      assert.match(malformedReason('{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"t":1,"p":"1","q":"1","m":true}}'), /trade: field 's' must be a symbol/);
    });

    it('names a field of the wrong type', () => {
      assert.match(malformedReason('{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":"soon","T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[],"a":[]}}'), /field 'E' must be a number/);
      assert.match(malformedReason('{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","m":"yes"}}'), /field 'm' must be a boolean/);
      assert.match(malformedReason('{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":1,"p":"abc","q":"1","m":true}}'), /field 'p' is not a number: "abc"/);
      assert.match(malformedReason('{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[["1","2","3"]],"a":[]}}'), /field 'b' must be a list of \[price, qty\]/);
      assert.match(malformedReason('{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[["-1","2"]],"a":[]}}'), /bad level \["-1","2"\]/);
      assert.match(malformedReason('{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1,"T":1,"s":"BTCUSDT","U":1,"u":2,"pu":0,"b":[[1,2]],"a":[]}}'), /field 'b'/);
    });

    it('reports unknown event types, envelopes without data, and text after the frame', () => {
      assert.match(malformedReason('{"stream":"btcusdt@kline_1m","data":{"e":"kline","E":1}}'), /unknown event type 'kline'/);
      assert.match(malformedReason('{"stream":"btcusdt@trade"}'), /without a 'data' object/);
      assert.match(malformedReason('{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"T":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","m":true}}xyz'), /unexpected text after the frame/);
      assert.match(malformedReason('{"foo":1}'), /unrecognised frame with keys foo/);
    });

    it('keeps the stream name and a sample of the frame in the malformed event', () => {
      const event = decoder().decode('{"stream":"btcusdt@trade","data":{"e":"trade","E":1}}', 42);
      assert.equal(event.type, 'malformed');
      if (event.type !== 'malformed') return;
      assert.equal(event.stream, 'btcusdt@trade');
      assert.equal(event.time, 42);
      assert.ok(event.sample.startsWith('{"stream":"btcusdt@trade"'));
    });

    it('never throws on thousands of random mutations of real frames, and counts what it rejects', () => {
      let seed = 12345;
      const random = (): number => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed / 0x7fffffff;
      };
      const frames = fixtureFrames();
      const d = decoder();
      let malformed = 0;
      const alphabet = '{}[]",:0123456789.-eE truefalsn\\';
      for (let i = 0; i < 5000; i++) {
        const base = frames[Math.floor(random() * 2000)].text;
        const chars = base.split('');
        const edits = 1 + Math.floor(random() * 3);
        for (let k = 0; k < edits; k++) {
          const at = Math.floor(random() * chars.length);
          const kind = random();
          if (kind < 0.33) chars.splice(at, 1);
          else if (kind < 0.66) chars[at] = alphabet[Math.floor(random() * alphabet.length)];
          else chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]);
        }
        const text = chars.join('');
        let event: EngineEvent;
        assert.doesNotThrow(() => {
          event = d.decode(text);
        }, text);
        if (event!.type === 'malformed') malformed++;
        else {
          // Whatever it accepted must also be valid JSON: the fast path must not accept what JSON rejects.
          assert.doesNotThrow(() => JSON.parse(text), `accepted invalid JSON: ${text.slice(0, 200)}`);
        }
      }
      assert.equal(d.getStats().malformed, malformed);
      assert.ok(malformed > 1000, `only ${malformed} of 5000 mutations were rejected`);
    });
  });
});
