/** AMQP error conditions the Event Hubs SDKs translate into named errors. */
export const Condition = {
  notFound: 'amqp:not-found', // MessagingEntityNotFoundError
  unauthorized: 'amqp:unauthorized-access', // UnauthorizedError
  argumentOutOfRange: 'com.microsoft:argument-out-of-range', // ArgumentOutOfRangeError
  argument: 'com.microsoft:argument-error', // ArgumentError
  linkStolen: 'amqp:link:stolen', // ReceiverDisconnectedError
  quotaExceeded: 'amqp:resource-limit-exceeded', // QuotaExceededError
  messageSizeExceeded: 'amqp:link:message-size-exceeded', // MessageTooLargeError
  notImplemented: 'amqp:not-implemented',
  internal: 'amqp:internal-error',
  decodeError: 'amqp:decode-error',
} as const;

export type ConditionName = (typeof Condition)[keyof typeof Condition];

/** An error the hub reports to a client with an AMQP condition (and, for requests, a status code). */
export class HubError extends Error {
  constructor(
    readonly condition: ConditionName,
    message: string,
    readonly status = statusFor(condition),
  ) {
    super(message);
    this.name = 'HubError';
  }

  toAmqp(): { condition: string; description: string } {
    return { condition: this.condition, description: this.message };
  }
}

function statusFor(condition: ConditionName): number {
  switch (condition) {
    case Condition.notFound:
      return 404;
    case Condition.unauthorized:
      return 401;
    case Condition.argumentOutOfRange:
    case Condition.argument:
    case Condition.decodeError:
      return 400;
    case Condition.quotaExceeded:
    case Condition.messageSizeExceeded:
      return 403;
    case Condition.notImplemented:
      return 501;
    default:
      return 500;
  }
}
