import rhea, { type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import type { RequestHandler, RequestReply } from '../request-reply.js';
import { acceptAttach, asHubError } from './link-attach.js';

const REQUEST_CREDIT = 100;

/**
 * Reply links of one connection, found by the request's reply_to (the address, or the
 * link name, of the client's receiving link). Replies wait for credit when there is none.
 */
export class ReplyRoutes {
  private readonly routes = new Map<string, { sender: Sender; queue: Message[] }>();

  attach(sender: Sender): void {
    acceptAttach(sender);
    const route = { sender, queue: [] as Message[] };
    const target = sender.target?.address;
    this.routes.set(sender.name, route);
    if (typeof target === 'string') this.routes.set(target, route);
    sender.on('sendable', () => flush(route));
  }

  detach(sender: Sender): void {
    for (const [key, route] of this.routes) if (route.sender === sender) this.routes.delete(key);
  }

  send(replyTo: string, reply: Message): void {
    const route = this.routes.get(replyTo);
    if (!route) return; // the client went away; nobody is waiting for this reply
    route.queue.push(reply);
    flush(route);
  }
}

function flush(route: { sender: Sender; queue: Message[] }): void {
  while (route.queue.length > 0 && route.sender.sendable()) route.sender.send(route.queue.shift()!);
}

/** Serves requests arriving on a `$cbs` or `$management` link and routes the replies. */
export function attachRequestLink(receiver: Receiver, handler: RequestHandler, replies: ReplyRoutes): void {
  acceptAttach(receiver);
  receiver.add_credit(REQUEST_CREDIT);
  receiver.on('message', (context: EventContext) => {
    const request = context.message;
    context.delivery?.accept();
    receiver.add_credit(1);
    if (!request) return;
    let reply: RequestReply;
    try {
      reply = handler({ properties: request.application_properties ?? {}, body: request.body });
    } catch (err) {
      const e = asHubError(err);
      reply = { status: e.status, description: e.message, condition: e.condition };
    }
    const properties: Record<string, unknown> = { 'status-code': reply.status, 'status-description': reply.description };
    if (reply.condition) properties['error-condition'] = rhea.types.wrap_symbol(reply.condition);
    const message: Message = { correlation_id: request.message_id, application_properties: properties, body: reply.body ?? null };
    if (typeof request.reply_to === 'string') replies.send(request.reply_to, message);
  });
}
