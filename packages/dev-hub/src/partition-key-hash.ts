/**
 * Maps a partition key to a partition index the way the Event Hubs SDKs do on the client
 * (EventHubBufferedProducerClient): Bob Jenkins' lookup3 "hashlittle2" over the UTF-8 bytes
 * with zero seeds, then (c XOR b) truncated to a signed 16-bit value, modulo the partition
 * count, absolute value. Keyed sends routed by the hub must land where the client would put them.
 */
export function partitionIndexForKey(partitionKey: string, partitionCount: number): number {
  const { b, c } = lookup3(Buffer.from(partitionKey, 'utf8'));
  const hash16 = ((c ^ b) << 16) >> 16; // keep the low 16 bits, sign-extended
  return Math.abs(hash16 % partitionCount);
}

const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** lookup3 hashlittle2 with both seeds 0; all arithmetic is mod 2^32. */
function lookup3(data: Buffer): { b: number; c: number } {
  let a = (0xdeadbeef + data.length) >>> 0;
  let b = a;
  let c = a;
  let i = 0;
  let left = data.length;
  while (left > 12) {
    a = (a + data.readUInt32LE(i)) >>> 0;
    b = (b + data.readUInt32LE(i + 4)) >>> 0;
    c = (c + data.readUInt32LE(i + 8)) >>> 0;
    // mix(a, b, c)
    a = (a - c) >>> 0; a = (a ^ rot(c, 4)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 6)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 8)) >>> 0; b = (b + a) >>> 0;
    a = (a - c) >>> 0; a = (a ^ rot(c, 16)) >>> 0; c = (c + b) >>> 0;
    b = (b - a) >>> 0; b = (b ^ rot(a, 19)) >>> 0; a = (a + c) >>> 0;
    c = (c - b) >>> 0; c = (c ^ rot(b, 4)) >>> 0; b = (b + a) >>> 0;
    i += 12;
    left -= 12;
  }
  if (left === 0) return { b, c };
  // The last 1..12 bytes, little-endian, zero-padded into a, b, c.
  const tail = [0, 0, 0];
  for (let k = 0; k < left; k++) tail[k >> 2]! += data[i + k]! * 2 ** (8 * (k & 3));
  a = (a + tail[0]!) >>> 0;
  b = (b + tail[1]!) >>> 0;
  c = (c + tail[2]!) >>> 0;
  // final(a, b, c)
  c = (c ^ b) >>> 0; c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0; a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0; b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0; c = (c - rot(b, 24)) >>> 0;
  return { b, c };
}
