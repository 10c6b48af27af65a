import { EventHubProducerClient } from '@azure/event-hubs';
import { sendAll } from '../../../src/local/producer.js';
import { takeSampleEvents } from '../../../src/local/sample-events.js';

/**
 * Sends the first `count` seeded sample events in rounds, each only when the test asks: the test
 * paces the producer by what the app has done (a kill point reached), never by the clock. What was
 * sent is always a prefix of sampleEvents({ seed, malformedEvery }), so expectedWorkload recomputes it.
 */
export class PacedProducer {
  private readonly client: EventHubProducerClient;
  private readonly bodies: string[];
  sent = 0;

  constructor(connectionString: string, eventHubName: string, options: { seed: number; count: number; malformedEvery: number; roundSize: number }) {
    this.client = new EventHubProducerClient(connectionString, eventHubName);
    this.bodies = takeSampleEvents(options.count, { seed: options.seed, malformedEvery: options.malformedEvery }).map((e) => e.body);
    this.roundSize = options.roundSize;
  }

  private readonly roundSize: number;

  get left(): number {
    return this.bodies.length - this.sent;
  }

  /** Sends the next round (unkeyed: the hub spreads it over partitions); false when all are sent. */
  async sendRound(): Promise<boolean> {
    if (this.left === 0) return false;
    const round = this.bodies.slice(this.sent, this.sent + this.roundSize);
    await sendAll(this.client, round.map((body) => ({ body, contentType: 'application/json' })), {});
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
