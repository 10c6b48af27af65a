/**
 * A conditional write lost: the object or row already existed, or changed since its etag was read.
 * Expected in normal operation (Azure's 409/412), and always handled by the caller.
 */
export class PreconditionFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreconditionFailedError';
  }
}
