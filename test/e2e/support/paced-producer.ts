import { EventHubProducerClient } from '@azure/event-hubs';
import { sendAll } from '#dev/producer.js';
import { takeSampleEvents } from '#dev/sample-events.js';

/**
 * Sends the first `count` seeded sample events in rounds, each only when the test asks: the test
 * paces the producer by what the app has done (a kill point reached), never by the clock. What was
 * sent is always a prefix of sampleEvents({ seed, malformedEvery }), so expectedWorkload recomputes it.
 */
export class PacedProducer {
  private readonly client: EventHubProducerClient;
  private readonly bodies: string[];
  sent = 0;

  private readonly roundSize: number;
  private readonly partitions: number;

  constructor(connectionString: string, eventHubName: string, options: { seed: number; count: number; malformedEvery: number; roundSize: number; partitions: number }) {
    this.client = new EventHubProducerClient(connectionString, eventHubName);
    this.bodies = takeSampleEvents(options.count, { seed: options.seed, malformedEvery: options.malformedEvery }).map((e) => e.body);
    this.roundSize = options.roundSize;
    this.partitions = options.partitions;
  }

  get left(): number {
    return this.bodies.length - this.sent;
  }

  /**
   * Sends the next round, dealt over every partition (an unkeyed batch would land on one), so each
   * round reaches every receiver; false when all are sent.
   */
  async sendRound(): Promise<boolean> {
    if (this.left === 0) return false;
    const round = this.bodies.slice(this.sent, this.sent + this.roundSize);
    for (let p = 0; p < this.partitions; p++) {
      // Bytes, so the hub carries the JSON text itself: the SDK would send a string body JSON-encoded,
      // quotes and all, and every view would be dead-lettered as malformed.
      const share = round.filter((_, i) => i % this.partitions === p).map((body) => ({ body: Buffer.from(body, 'utf8'), contentType: 'application/json' }));
      if (share.length > 0) await sendAll(this.client, share, { partitionId: String(p) });
    }
    this.sent += round.length;
    return true;
  }

  async sendRest(): Promise<void> {
    while (await this.sendRound());
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
