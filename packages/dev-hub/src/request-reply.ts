/** The outcome of a CBS or $management request, turned into a reply message by the request link. */
export interface RequestReply {
  status: number;
  description: string;
  condition?: string;
  body?: unknown;
}

/** What a request handler sees: the application properties and body of the request. */
export interface RequestInput {
  properties: Record<string, unknown>;
  body: unknown;
}

export type RequestHandler = (request: RequestInput) => RequestReply;
