/** A client operation refused the way the durable webhook API refuses it; status is the HTTP code. */
export class DurableApiError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 410 | 412 | 501,
    message: string,
  ) {
    super(message);
    this.name = 'DurableApiError';
  }
}
