/**
 * The two ways a status request goes wrong on the caller's side. Each carries what the JSON error
 * body names, so a caller can fix the request without reading the server's code.
 */
export class BadParameterError extends Error {
  constructor(readonly parameter: string, readonly value: string, readonly rule: string) {
    super(`${parameter}=${JSON.stringify(value)} is invalid: ${rule}`);
    this.name = 'BadParameterError';
  }
}

export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
