import rhea, { type EventContext, type Receiver } from 'rhea';
import { Condition, HubError } from '../amqp-errors.js';
import { unpackSend } from '../event-codec.js';
import type { EventHub } from '../event-hub.js';
import { acceptAttach, asHubError, MAX_MESSAGE_SIZE } from './link-attach.js';

const SEND_CREDIT = 500;

/** Where a client's sender publishes: `<hub>` or `<hub>/Partitions/<id>`. */
export interface SendTarget {
  hub: EventHub;
  partitionId: string | undefined;
}

/**
 * Serves a client's sender (our receiving end): each transfer is one send, a batch envelope
 * or a single message, stored atomically in one partition and then accepted, or rejected
 * with a condition the SDK maps (e.g. message-size-exceeded).
 */
export function attachSenderLink(receiver: Receiver, target: SendTarget): void {
  acceptAttach(receiver);
  receiver.add_credit(SEND_CREDIT);
  receiver.on('message', (context: EventContext) => {
    const delivery = context.delivery!;
    try {
      const format = delivery.format ?? 0;
      const payload = format === 0 ? rhea.message.encode(context.message!) : (context.message as unknown as Buffer);
      if (payload.length > MAX_MESSAGE_SIZE) {
        throw new HubError(Condition.messageSizeExceeded, `The received message (${payload.length} bytes) exceeds the limit of ${MAX_MESSAGE_SIZE} bytes.`);
      }
      const { events, partitionKey } = unpackSend(payload, format);
      target.hub.publish(events, {
        ...(target.partitionId !== undefined ? { partitionId: target.partitionId } : {}),
        ...(partitionKey !== undefined ? { partitionKey } : {}),
      });
      delivery.accept();
    } catch (err) {
      delivery.reject(asHubError(err).toAmqp());
    }
    receiver.add_credit(1);
  });
}
