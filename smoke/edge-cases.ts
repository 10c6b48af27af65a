/**
 * Event bodies that break receivers which treat bodies as text or JSON: each must come back
 * byte for byte, in blocks and in dead letters. Shared by the smoke command and the tests.
 */
export interface EdgeCase {
  readonly name: string;
  readonly body: Uint8Array;
  readonly partitionKey?: string;
  readonly properties?: Record<string, string | number | boolean>;
}

const text = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

/** A 1 MiB body (the largest Event Hubs event is 1 MB including overhead, so a little under). */
export const LARGE_BODY_BYTES = 1024 * 1024 - 4096;

export function edgeCases(): EdgeCase[] {
  return [
    { name: 'empty body', body: new Uint8Array(0) },
    { name: 'JSON with an integer above 2^53', body: text('{"id":12345678901234567890,"n":9007199254740993}'), partitionKey: 'big-int' },
    { name: 'the JSON string "abc"', body: text('"abc"') },
    { name: 'the JSON number 123', body: text('123'), partitionKey: '123' },
    { name: 'non-UTF-8 bytes', body: Uint8Array.of(0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x0a) },
    { name: 'JSON with spacing and 1.0', body: text('{ "a" : 1.0 ,\n "b": [ 1e2 ] }') },
    { name: 'a 1 MiB body', body: new Uint8Array(Buffer.alloc(LARGE_BODY_BYTES, 'sluice-')) },
    { name: 'Unicode text', body: text('\uFEFFgrüße, 世界, emoji 😀, rtl \u05E9\u05DC\u05D5\u05DD, line\u2028sep') },
    {
      name: 'application properties of several types', body: text('{"props":true}'), partitionKey: 'user-7',
      properties: { text: 'web', count: 42, ratio: 0.5, flag: true, empty: '' },
    },
    { name: 'text that is not JSON', body: text('plain text, not JSON') },
  ];
}
