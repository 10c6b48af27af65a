import { BATCH_COLUMNS, DEAD_LETTER_COLUMNS, headerCells, RANGE_COLUMNS, RECEIVER_COLUMNS, STREAM_COLUMNS, TASK_COLUMNS, BATCH_DEAD_LETTER_COLUMNS, type Column } from './browser/columns.js';

/**
 * The two pages as HTML strings: the page needs nothing from the network but this API and its
 * own modules. Everything dynamic is filled in by the browser modules (app.js and what it
 * imports); the server only escapes the stream name and the URLs into the skeleton, and writes
 * each table's header from the same column spec the browser fills the rows from.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** In Azure the routes need the function key (?code=); assets and API calls carry it on. */
function keyed(url: string, key: string | undefined): string {
  return key ? `${url}?code=${encodeURIComponent(key)}` : url;
}

function head(title: string, assets: string, key?: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${escapeHtml(title)}</title>
<link rel="icon" type="image/svg+xml" href="${escapeHtml(keyed(`${assets}/icon.svg`, key))}">
<link rel="stylesheet" href="${escapeHtml(keyed(`${assets}/app.css`, key))}">
<script type="module" src="${escapeHtml(keyed(`${assets}/app.js`, key))}"></script>
</head>`;
}

/** A table's header row, from the column spec the browser fills its rows from. */
function thead(columns: readonly Column<never>[]): string {
  return `<thead><tr>${headerCells(columns, escapeHtml)}</tr></thead>`;
}

function topbar(crumbs: string): string {
  return `<header class="topbar">
  <div class="brand"><svg class="logo" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M3 7c3 0 3 3 6 3s3-3 6-3 3 3 6 3M3 14c3 0 3 3 6 3s3-3 6-3 3 3 6 3"/></svg><span>Sluice</span></div>
  <nav class="crumbs" aria-label="Breadcrumb"><ol>${crumbs}</ol></nav>
  <div id="conn" class="conn" data-conn="connecting" role="status" aria-live="polite"><span class="dot" aria-hidden="true"></span><span id="conn-text">Connecting…</span></div>
</header>`;
}

export function streamPageHtml(o: { name: string; api: string; assets: string; index: string; key?: string }): string {
  const name = escapeHtml(o.name);
  return `${head(`${o.name} · Sluice streaming`, o.assets, o.key)}
<body data-page="stream" data-api="${escapeHtml(o.api)}" data-index="${escapeHtml(o.index)}">
<a class="skip" href="#batches">Skip to batches</a>
${topbar(`<li><a href="${escapeHtml(o.index)}">Streams</a></li><li aria-current="page">${name}</li>`)}
<main id="main">
  <section class="hero card" aria-labelledby="stream-name">
    <div class="hero-head">
      <h1 id="stream-name">${name}</h1>
      <span id="state" class="badge" data-state="unknown">Unknown</span>
      <span id="state-since" class="muted"></span>
    </div>
    <p id="state-reason" class="reason" hidden></p>
    <div id="health" class="health" data-level="unknown">
      <p id="health-title" class="health-title">Checking…</p>
      <ul id="health-problems"></ul>
    </div>
    <p id="retrying" class="notice" role="status" hidden></p>
    <div id="gaps" class="error-box gaps" role="alert" hidden>
      <p id="gaps-title"></p>
      <ul id="gaps-list"></ul>
    </div>
    <dl class="stats">
      <div><dt>Uptime</dt><dd id="s-uptime">—</dd></div>
      <div><dt>Batch interval</dt><dd id="s-batch">—</dd></div>
      <div><dt>Block interval</dt><dd id="s-block">—</dd></div>
      <div><dt>Receiver mode</dt><dd id="s-mode">—</dd></div>
      <div><dt>Completed batches</dt><dd id="s-completed">—</dd></div>
      <div><dt>Records processed</dt><dd id="s-processed">—</dd></div>
      <div><dt>Records received</dt><dd id="s-received">—</dd></div>
      <div><dt>Active batches</dt><dd id="s-active">—</dd></div>
      <div id="s-backlog-item" hidden><dt>Backlog</dt><dd id="s-backlog">—</dd></div>
      <div id="s-watermark-item" hidden><dt>Event-time watermark</dt><dd id="s-watermark">—</dd></div>
      <div id="s-watermark-lag-item" hidden><dt>Watermark lag</dt><dd id="s-watermark-lag">—</dd></div>
    </dl>
  </section>

  <section class="card" aria-labelledby="charts-h">
    <div class="card-head"><h2 id="charts-h">Statistics</h2><p id="charts-sub" class="muted">—</p></div>
    <div id="charts" class="charts"></div>
  </section>

  <section class="card" aria-labelledby="receivers-h">
    <div class="card-head"><h2 id="receivers-h">Receivers</h2><p id="receivers-sub" class="muted"></p></div>
    <div class="table-wrap">
      <table id="receivers" class="data">
        ${thead(RECEIVER_COLUMNS)}
        <tbody></tbody>
      </table>
    </div>
    <p id="receivers-empty" class="empty" hidden>No receiver has checkpointed a partition yet.</p>
  </section>

  <section class="card" id="batches" aria-labelledby="batches-h" tabindex="-1">
    <div class="card-head">
      <h2 id="batches-h">Batches</h2>
      <div class="pager" role="group" aria-label="Batch pages">
        <button type="button" id="page-newest" class="btn">Newest</button>
        <button type="button" id="page-newer" class="btn">‹ Newer</button>
        <span id="page-label" class="muted">Page 1</span>
        <button type="button" id="page-older" class="btn">Older ›</button>
      </div>
    </div>
    <div class="table-wrap">
      <table id="batch-table" class="data rows-interactive">
        <caption class="sr-only">Batches, active first, then newest first. Arrow keys move between rows; Enter or Space opens a batch's details.</caption>
        ${thead(BATCH_COLUMNS)}
        <tbody></tbody>
      </table>
    </div>
    <p id="batches-empty" class="empty" hidden>No batches yet.</p>
  </section>

  <section class="card" aria-labelledby="dl-h">
    <div class="card-head"><h2 id="dl-h">Dead letters <span id="dl-count" class="count">0</span></h2><p id="dl-sub" class="muted"></p></div>
    <div class="table-wrap">
      <table id="dead-letters" class="data">
        ${thead(DEAD_LETTER_COLUMNS)}
        <tbody></tbody>
      </table>
    </div>
    <p id="dl-empty" class="empty" hidden>No dead letters in the newest batches.</p>
  </section>
</main>

<dialog id="detail" aria-labelledby="detail-title">
  <div class="dialog-head">
    <h2 id="detail-title">Batch</h2>
    <span id="detail-status" class="badge"></span>
    <button type="button" id="detail-close" class="icon-btn" aria-label="Close batch details">×</button>
  </div>
  <div class="dialog-body">
    <p id="detail-message" class="muted" hidden></p>
    <dl id="detail-stats" class="stats compact"></dl>
    <p id="detail-error" class="error-box" hidden></p>
    <h3>Partitions</h3>
    <div class="table-wrap"><table id="detail-ranges" class="data">
      ${thead(RANGE_COLUMNS)}<tbody></tbody>
    </table></div>
    <h3>Tasks</h3>
    <div class="table-wrap"><table id="detail-tasks" class="data">
      ${thead(TASK_COLUMNS)}<tbody></tbody>
    </table></div>
    <p id="detail-no-tasks" class="empty" hidden>No task results yet.</p>
    <h3>Outputs</h3>
    <ul id="detail-outputs" class="outputs"></ul>
    <p id="detail-no-outputs" class="empty" hidden>No outputs recorded.</p>
    <div id="detail-dl-block" hidden>
      <h3>Dead letters</h3>
      <div class="table-wrap"><table id="detail-dead-letters" class="data">
        ${thead(BATCH_DEAD_LETTER_COLUMNS)}<tbody></tbody>
      </table></div>
    </div>
  </div>
</dialog>
</body>
</html>
`;
}

export function indexPageHtml(o: { api: string; assets: string; key?: string }): string {
  return `${head('Streams · Sluice streaming', o.assets, o.key)}
<body data-page="index" data-api="${escapeHtml(o.api)}">
${topbar('<li aria-current="page">Streams</li>')}
<main id="main">
  <section class="card" aria-labelledby="streams-h">
    <div class="card-head"><h1 id="streams-h">Streams</h1></div>
    <div class="table-wrap">
      <table id="streams" class="data">
        ${thead(STREAM_COLUMNS)}
        <tbody></tbody>
      </table>
    </div>
    <p id="streams-empty" class="empty" hidden>No streams are configured.</p>
  </section>
</main>
</body>
</html>
`;
}
