/**
 * Build-time check that the page's view of the JSON (src/status/page/browser/api-types.ts) matches
 * what the server sends: each server type must be assignable to the page's, or this file does not
 * compile. (No test runs here; `npm run build` is the check.)
 */
import type { BatchDetail } from '#sluice/status/batch-detail.js';
import type { BatchPage } from '#sluice/status/batch-pages.js';
import type { BatchRow } from '#sluice/status/batch-row.js';
import type { DeadLetterReport } from '#sluice/status/dead-letters.js';
import type { BatchDetailView, BatchPageView, BatchRowView, DeadLetterReportView, ReceiverReportView, StreamIndexView, StreamStatusView } from '#sluice/status/page/browser/api-types.js';
import type { ReceiverReport } from '#sluice/status/receivers.js';
import type { StreamIndexEntry } from '#sluice/status/stream-index.js';
import type { StreamStatus } from '#sluice/status/stream-status.js';

type Assignable<From extends To, To> = [From, To];

export type PageApiTypesMatch = [
  Assignable<StreamStatus, StreamStatusView>,
  Assignable<BatchRow, BatchRowView>,
  Assignable<BatchPage, BatchPageView>,
  Assignable<ReceiverReport, ReceiverReportView>,
  Assignable<DeadLetterReport, DeadLetterReportView>,
  Assignable<BatchDetail, BatchDetailView>,
  Assignable<{ streams: StreamIndexEntry[] }, StreamIndexView>,
];
