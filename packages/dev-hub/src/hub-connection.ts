import type { Receiver, Sender, Session } from 'rhea';
import type { Clock } from 'sluice';
import { Condition, HubError } from './amqp-errors.js';
import { handlePutToken } from './cbs.js';
import { ConnectionGrants } from './connection-grants.js';
import type { EventHub } from './event-hub.js';
import { parseStartFilter, resolveStart, SELECTOR_FILTER } from './filters.js';
import { isCbsAddress, isManagementAddress, parseReceiveAddress, parseSendAddress } from './hub-address.js';
import { acceptAttach, hasCapability, peerAddress, refuseAttach } from './links/link-attach.js';
import { PartitionReader, RUNTIME_METRIC_CAPABILITY } from './links/receiver-link.js';
import { attachRequestLink, ReplyRoutes } from './links/request-link.js';
import { attachSenderLink } from './links/sender-link.js';
import { handleManagement } from './management.js';
import type { SasKey } from './sas-auth.js';

export interface HubContext {
  hubs: Map<string, EventHub>;
  key: SasKey;
  clock: Clock;
}

export const EPOCH_PROPERTY = 'com.microsoft:epoch';

/** One client connection: its CBS grants, reply links and partition readers; routes its attaches. */
export class HubConnection {
  private readonly grants = new ConnectionGrants();
  private readonly replies = new ReplyRoutes();
  private readonly readers = new Map<Sender, PartitionReader>();

  constructor(private readonly ctx: HubContext) {}

  /** The client attached a sender: a request node or an event hub (we receive). */
  onReceiverOpen(receiver: Receiver): void {
    const address = peerAddress(receiver);
    try {
      if (isCbsAddress(address)) {
        attachRequestLink(receiver, (req) => handlePutToken(req, this.ctx.key, this.ctx.clock.now(), this.grants), this.replies);
      } else if (isManagementAddress(address)) {
        attachRequestLink(receiver, (req) => handleManagement(req, this.ctx.hubs, this.ctx.key, this.ctx.clock.now()), this.replies);
      } else {
        const target = parseSendAddress(address);
        if (!target) throw new HubError(Condition.notFound, `The messaging entity '${address}' could not be found: it is not an event hub or partition address.`);
        this.requireGrant(target.path, 'Send');
        const hub = this.hub(target.hub);
        if (target.partitionId !== undefined) hub.partition(target.partitionId);
        attachSenderLink(receiver, { hub, partitionId: target.partitionId });
      }
    } catch (err) {
      refuseAttach(receiver, err);
    }
  }

  /** The client attached a receiver: a reply link, or a partition of a consumer group (we send). */
  onSenderOpen(sender: Sender): void {
    const address = peerAddress(sender);
    try {
      if (isCbsAddress(address) || isManagementAddress(address)) {
        this.replies.attach(sender);
        return;
      }
      const source = parseReceiveAddress(address);
      if (!source) throw new HubError(Condition.notFound, `The messaging entity '${address}' could not be found: it is not a consumer group partition address.`);
      this.requireGrant(source.path, 'Listen');
      const hub = this.hub(source.hub);
      const group = hub.consumerGroup(source.consumerGroup);
      const log = hub.partition(source.partitionId);
      const start = resolveStart(parseStartFilter(filterText(sender.source?.filter?.[SELECTOR_FILTER])), log);
      const runtimeMetrics = hasCapability(sender.desired_capabilities, RUNTIME_METRIC_CAPABILITY);
      const ownershipKey = `${group.toLowerCase()}/${source.partitionId}`;
      const reader = new PartitionReader(sender, {
        log,
        ownership: hub.ownership,
        ownershipKey,
        epoch: epochOf(sender.properties?.[EPOCH_PROPERTY]),
        firstSequenceNumber: start,
        runtimeMetrics,
        clock: this.ctx.clock,
      });
      hub.ownership.claim(ownershipKey, reader);
      // Sent settled: Event Hubs delivery needs no acknowledgement, which saves a round trip each.
      acceptAttach(sender, { snd_settle_mode: 1, ...(runtimeMetrics ? { offered_capabilities: [RUNTIME_METRIC_CAPABILITY] } : {}) });
      this.readers.set(sender, reader);
      reader.start();
    } catch (err) {
      refuseAttach(sender, err);
    }
  }

  onLinkClosed(link: Sender | Receiver): void {
    if (link.is_sender()) {
      const sender = link as Sender;
      this.readers.get(sender)?.stop();
      this.readers.delete(sender);
      this.replies.detach(sender);
    }
  }

  onSessionClosed(session: Session): void {
    for (const sender of [...this.readers.keys()]) if (sender.session === session) this.onLinkClosed(sender);
  }

  /** The connection is gone: free every partition it was reading. */
  dispose(): void {
    for (const reader of this.readers.values()) reader.stop();
    this.readers.clear();
  }

  get readerCount(): number {
    return this.readers.size;
  }

  private hub(name: string): EventHub {
    const hub = this.ctx.hubs.get(name.toLowerCase());
    if (!hub) throw new HubError(Condition.notFound, `The messaging entity '${name}' could not be found.`);
    return hub;
  }

  private requireGrant(path: string, claim: 'Send' | 'Listen'): void {
    if (!this.grants.allows(path, this.ctx.clock.now())) {
      throw new HubError(Condition.unauthorized, `Unauthorized access. '${claim}' claim is required to attach to '${path}'; put a valid token on $cbs first.`);
    }
  }
}

/** The selector filter arrives as a described string; dig the string out. */
function filterText(value: unknown): string | undefined {
  for (let v = value, depth = 0; v !== undefined && v !== null && depth < 4; depth++) {
    if (typeof v === 'string') return v;
    v = typeof v === 'object' && 'value' in v ? (v as { value: unknown }).value : undefined;
  }
  return undefined;
}

function epochOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === 'object' && 'value' in value ? Number((value as { value: unknown }).value) : Number(value);
  if (!Number.isFinite(n)) throw new HubError(Condition.argument, `the epoch '${String(value)}' is not a number`);
  return n;
}
