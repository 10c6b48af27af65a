import type { ReceivedEvent } from '#sluice/receiver/received-event.js';
/** The sample stream's event: a page view, as the producer CLI sends it. */
export interface PageView {
    readonly id: string;
    readonly ts: number;
    readonly user: string;
    readonly page: string;
    readonly country: string;
    readonly device: string;
    readonly durationMs: number;
}
/** Decodes and validates a page view; throwing sends the event to the dead-letter container. */
export declare function decodePageView(event: ReceivedEvent): PageView;
