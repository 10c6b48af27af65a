import type { StreamIndexView } from './api-types.js';
import { getJson, poller, type PageSettings } from './api-client.js';
import { STREAM_COLUMNS } from './columns.js';
import { byId, show } from './dom.js';
import { SpecTable } from './table.js';

/** The index page: every stream with its state and newest batch, each linking to its page. */
export function indexPage(settings: PageSettings): void {
  const streams = new SpecTable(byId<HTMLTableElement>('streams'), STREAM_COLUMNS);
  poller(settings.refreshMs, async () => {
    const r = await getJson<StreamIndexView>(settings, '/streams');
    streams.render(r.streams);
    show(byId('streams-empty'), r.streams.length === 0);
  })();
}
