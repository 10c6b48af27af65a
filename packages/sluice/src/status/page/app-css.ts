/** The pages' stylesheet: system fonts and no external assets, so the page works offline. */
export const APP_CSS = String.raw`
:root {
  --bg: #f5f6f8; --card: #ffffff; --line: #e4e7ec; --line-soft: #eef0f3;
  --text: #1d2433; --muted: #667085; --accent: #4f46e5; --accent-soft: #eef2ff;
  --ok: #15803d; --ok-soft: #dcfce7; --warn: #b45309; --warn-soft: #fef3c7;
  --bad: #dc2626; --bad-soft: #fee2e2; --idle: #475467; --idle-soft: #eaecf0;
  --radius: 10px; --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.skip { position: absolute; left: -999px; top: 8px; background: var(--card); padding: 6px 10px; border-radius: 6px; z-index: 10; }
.skip:focus { left: 8px; }
.muted { color: var(--muted); margin: 0; }

.topbar { position: sticky; top: 0; z-index: 5; display: flex; align-items: center; gap: 20px; padding: 0 24px; height: 52px; background: #111827; color: #e5e7eb; }
.brand { display: flex; align-items: center; gap: 8px; font-weight: 650; letter-spacing: .2px; color: #fff; }
.logo { width: 22px; height: 22px; fill: none; stroke: #a5b4fc; stroke-width: 2.2; stroke-linecap: round; }
.crumbs ol { display: flex; gap: 8px; list-style: none; margin: 0; padding: 0; color: #9ca3af; }
.crumbs li + li::before { content: "/"; margin-right: 8px; color: #4b5563; }
.crumbs a { color: #c7d2fe; }
.crumbs [aria-current] { color: #f9fafb; }
.conn { margin-left: auto; display: flex; align-items: center; gap: 8px; font-size: 12.5px; color: #d1d5db; }
.conn .dot { width: 8px; height: 8px; border-radius: 50%; background: #9ca3af; }
.conn[data-conn="live"] .dot { background: #22c55e; box-shadow: 0 0 0 3px rgba(34,197,94,.18); }
.conn[data-conn="reconnecting"] { color: #fcd34d; }
.conn[data-conn="reconnecting"] .dot { background: #f59e0b; animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: .35; } }
@media (prefers-reduced-motion: reduce) { .conn .dot { animation: none !important; } }

main { max-width: 1320px; margin: 0 auto; padding: 20px 24px 48px; display: grid; grid-template-columns: minmax(0, 1fr); gap: 18px; }
body.is-stale main { opacity: .72; transition: opacity .3s; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: var(--radius); padding: 18px 20px; box-shadow: 0 1px 2px rgba(16,24,40,.04); }
.card-head { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; flex-wrap: wrap; margin-bottom: 12px; }
h1, h2, h3 { margin: 0; font-weight: 650; }
h1 { font-size: 22px; }
h2 { font-size: 16px; }
h3 { font-size: 13px; text-transform: uppercase; letter-spacing: .5px; color: var(--muted); margin: 18px 0 8px; }
.count { display: inline-block; min-width: 22px; padding: 1px 8px; margin-left: 6px; border-radius: 999px; background: var(--idle-soft); color: var(--idle); font-size: 12px; text-align: center; vertical-align: 2px; }
.count.has { background: var(--bad-soft); color: var(--bad); }

.hero-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
.badge { display: inline-flex; align-items: center; gap: 6px; padding: 2px 10px; border-radius: 999px; font-size: 12px; font-weight: 600; background: var(--idle-soft); color: var(--idle); white-space: nowrap; }
.badge::before { content: ""; width: 6px; height: 6px; border-radius: 50%; background: currentColor; }
.badge[data-state="running"], .badge[data-state="completed"], .badge[data-state="cleaned"] { background: var(--ok-soft); color: var(--ok); }
.badge[data-state="failed"] { background: var(--bad-soft); color: var(--bad); }
.badge[data-state="stopped"] { background: var(--idle-soft); color: var(--idle); }
.badge[data-state="unknown"], .badge[data-state="skipped"] { background: var(--warn-soft); color: var(--warn); }
.badge[data-state="allocated"] { background: var(--accent-soft); color: var(--accent); }
.reason { margin: 8px 0 0; color: var(--text); }
.health { margin-top: 14px; padding: 10px 14px; border-radius: 8px; border-left: 4px solid var(--idle); background: #f9fafb; }
.health-title { margin: 0; font-weight: 600; }
.health ul { margin: 4px 0 0; padding-left: 18px; }
.health ul:empty { display: none; }
.health[data-level="healthy"] { border-color: var(--ok); background: #f0fdf4; }
.health[data-level="degraded"] { border-color: #f59e0b; background: #fffbeb; }
.health[data-level="failing"] { border-color: var(--bad); background: #fef2f2; }
.health[data-level="stopped"] { border-color: var(--idle); background: #f8fafc; }

.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(128px, 1fr)); gap: 10px; margin: 16px 0 0; }
.stats > div { padding: 10px 12px; border: 1px solid var(--line-soft); border-radius: 8px; background: #fcfcfd; }
.stats dt { font-size: 12px; color: var(--muted); }
.stats dd { margin: 2px 0 0; font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stats.compact { grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); }
.stats.compact dd { font-size: 14px; }

.charts { display: grid; gap: 6px; }
.chart-row { display: grid; grid-template-columns: 170px minmax(0, 1fr) minmax(0, 300px); gap: 14px; align-items: center; padding: 8px 0; border-top: 1px solid var(--line-soft); }
.chart-row:first-child { border-top: 0; }
.chart-label h3 { margin: 0 0 2px; color: var(--text); text-transform: none; letter-spacing: 0; font-size: 14px; }
.chart-label .avg { font-size: 20px; font-weight: 650; font-variant-numeric: tabular-nums; }
.chart-label .max { font-size: 12px; color: var(--muted); }
.chart { width: 100%; height: auto; display: block; overflow: visible; }
.chart .grid line { stroke: var(--line-soft); stroke-width: 1; }
.chart .axis { stroke: #cfd4dc; stroke-width: 1; }
.chart text { font-size: 10.5px; fill: var(--muted); font-family: inherit; font-variant-numeric: tabular-nums; }
.chart .area { fill: var(--accent); fill-opacity: .08; stroke: none; }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 1.8; stroke-linejoin: round; }
.chart .pt { fill: #fff; stroke: var(--accent); stroke-width: 1.6; }
.chart .pt.over { fill: var(--bad); stroke: var(--bad); }
.chart .over-zone { fill: var(--bad); fill-opacity: .06; }
.chart .threshold { stroke: var(--bad); stroke-width: 1.2; stroke-dasharray: 5 4; }
.chart text.threshold-label { fill: var(--bad); font-weight: 600; }
.chart .bar { fill: var(--accent); fill-opacity: .75; }
.chart .bar.over { fill: var(--bad); }
.chart .empty-note { font-size: 12px; }

.table-wrap { overflow-x: auto; }
table.data { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.data th, table.data td { padding: 7px 10px; text-align: left; border-bottom: 1px solid var(--line-soft); white-space: nowrap; }
table.data thead th { font-size: 12px; font-weight: 600; color: var(--muted); background: #fafbfc; border-bottom: 1px solid var(--line); position: sticky; top: 0; }
table.data tbody th { font-weight: 500; }
table.data .num { text-align: right; }
table.data td.wrap { white-space: normal; min-width: 220px; max-width: 460px; overflow-wrap: anywhere; }
table.data code, .mono { font-family: var(--mono); font-size: 12px; }
.rows-interactive tbody tr { cursor: pointer; }
.rows-interactive tbody tr:hover { background: #f8f9ff; }
.rows-interactive tbody tr:focus { outline: 2px solid var(--accent); outline-offset: -2px; background: var(--accent-soft); }
tr.is-over td.proc { color: var(--bad); font-weight: 600; }
td.has-dl { color: var(--bad); font-weight: 600; }
.view { color: var(--accent); font-size: 12.5px; }
.empty { margin: 10px 0 0; color: var(--muted); font-style: italic; }
.err-text { color: var(--bad); }

.pager { display: flex; align-items: center; gap: 8px; }
.btn { font: inherit; font-size: 13px; padding: 5px 12px; border: 1px solid var(--line); border-radius: 7px; background: var(--card); color: var(--text); cursor: pointer; }
.btn:hover:not(:disabled) { background: #f4f5f7; }
.btn:disabled { color: #b0b6c0; cursor: default; }
.icon-btn { font: inherit; font-size: 22px; line-height: 1; width: 32px; height: 32px; border: 0; border-radius: 7px; background: transparent; color: var(--muted); cursor: pointer; margin-left: auto; }
.icon-btn:hover { background: #f2f4f7; color: var(--text); }

dialog { width: min(980px, calc(100vw - 32px)); max-height: calc(100vh - 48px); padding: 0; border: 1px solid var(--line); border-radius: 12px; box-shadow: 0 20px 50px rgba(16,24,40,.25); color: var(--text); }
dialog::backdrop { background: rgba(17,24,39,.45); }
.dialog-head { display: flex; align-items: center; gap: 12px; padding: 14px 18px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--card); }
.dialog-body { padding: 4px 18px 18px; }
.error-box { margin: 14px 0 0; padding: 10px 12px; border-radius: 8px; background: var(--bad-soft); color: #991b1b; font-family: var(--mono); font-size: 12.5px; white-space: pre-wrap; }
.notice { margin: 14px 0 0; padding: 10px 14px; border-radius: 8px; border-left: 4px solid #f59e0b; background: var(--warn-soft); color: #78350f; }
.gaps { white-space: normal; font-family: inherit; font-size: 13.5px; }
.gaps p { margin: 0; font-weight: 600; }
.gaps ul { margin: 4px 0 0; padding-left: 18px; font-family: var(--mono); font-size: 12.5px; }
td.has-retries { color: var(--warn); font-weight: 600; }
.outputs { margin: 0; padding-left: 18px; font-family: var(--mono); font-size: 12.5px; }

@media (max-width: 900px) {
  .chart-row { grid-template-columns: 1fr; }
  main { padding: 14px; }
  .topbar { padding: 0 14px; gap: 12px; }
}
`;
