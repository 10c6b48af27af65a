/**
 * The pages' script, plain browser JavaScript with no build step. Every refresh fetches a full
 * snapshot, then updates the existing nodes in place: rows, points and bars are reused from pools
 * and only text that changed is written, so nothing flickers and nothing accumulates. One timer is
 * ever pending and all listeners are attached once, delegated to their table bodies.
 * (Kept free of backticks and dollar-brace so it can live in a String.raw literal.)
 */
export const APP_JS = String.raw`(function () {
  'use strict';

  var SVG = 'http://www.w3.org/2000/svg';
  var body = document.body;
  var API = body.getAttribute('data-api') || '/api';
  var params = new URLSearchParams(location.search);
  var KEY = params.get('code'); // the function key in Azure; API calls carry it on
  var REFRESH_MS = clampInt(params.get('refresh'), 3000, 250, 60000);
  var CHART_BATCHES = clampInt(params.get('chart'), 60, 5, 500);
  var PAGE_SIZE = clampInt(params.get('pageSize'), 20, 1, 500);
  var NUM = new Intl.NumberFormat('en-US');
  var NUM1 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
  var NUM2 = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

  function clampInt(raw, fallback, min, max) {
    var n = parseInt(raw || '', 10);
    if (!isFinite(n)) return fallback;
    return Math.max(min, Math.min(max, n));
  }
  function $(id) { return document.getElementById(id); }
  function setText(el, text) {
    text = text == null ? '' : String(text);
    if (el.textContent !== text) el.textContent = text;
  }
  function setAttr(el, name, value) {
    value = String(value);
    if (el.getAttribute(name) !== value) el.setAttribute(name, value);
  }
  function show(el, visible) { if (el.hidden === visible) el.hidden = !visible; }
  function svgEl(tag, attrs, parent) {
    var el = document.createElementNS(SVG, tag);
    for (var k in attrs) el.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(el);
    return el;
  }

  // ---- formatting ---------------------------------------------------------------------------
  function pad(n, w) { n = String(n); while (n.length < (w || 2)) n = '0' + n; return n; }
  function fmtTime(t) {
    if (t == null) return '—';
    var d = new Date(t);
    var s = d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
    return d.getMilliseconds() ? s + '.' + pad(d.getMilliseconds(), 3) : s;
  }
  function fmtClock(t) {
    var d = new Date(t);
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }
  function fmtMs(ms) {
    if (ms == null) return '—';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return NUM2.format(ms / 1000) + ' s';
    var m = Math.floor(ms / 60000), s = Math.round((ms % 60000) / 1000);
    if (m < 60) return m + ' min' + (s ? ' ' + s + ' s' : '');
    var h = Math.floor(m / 60);
    if (h < 48) return h + ' h' + (m % 60 ? ' ' + (m % 60) + ' min' : '');
    return Math.floor(h / 24) + ' d' + (h % 24 ? ' ' + (h % 24) + ' h' : '');
  }
  function fmtInt(n) { return n == null ? '—' : NUM.format(n); }
  function fmtRate(r) { return r == null ? '—' : (r >= 100 ? NUM.format(Math.round(r)) : NUM1.format(r)) + '/s'; }
  function fmtBytes(b) {
    if (b == null) return '—';
    if (b < 1024) return b + ' B';
    var units = ['KiB', 'MiB', 'GiB', 'TiB'], i = -1;
    do { b /= 1024; i++; } while (b >= 1024 && i < units.length - 1);
    return NUM1.format(b) + ' ' + units[i];
  }
  function statusLabel(s) {
    return { running: 'Running', stopped: 'Stopped', failed: 'Failed', unknown: 'Unknown', allocated: 'Processing', completed: 'Completed', cleaned: 'Completed', skipped: 'Skipped' }[s] || s;
  }
  function batchState(b) { return b.status === 'failed' && b.skipped ? 'skipped' : b.status; }

  // ---- fetching and the refresh loop ----------------------------------------------------------
  function getJson(path) {
    var ctrl = new AbortController();
    var timeout = setTimeout(function () { ctrl.abort(); }, 10000);
    var url = API + path;
    if (KEY) url += (url.indexOf('?') < 0 ? '?' : '&') + 'code=' + encodeURIComponent(KEY);
    return fetch(url, { signal: ctrl.signal, cache: 'no-store', headers: { accept: 'application/json' } })
      .then(function (r) {
        return r.json().catch(function () { return null; }).then(function (data) {
          if (!r.ok) throw new Error((data && data.error && data.error.message) || ('HTTP ' + r.status));
          return data;
        });
      })
      .finally(function () { clearTimeout(timeout); });
  }

  var conn = $('conn'), connText = $('conn-text');
  function connected() {
    setAttr(conn, 'data-conn', 'live');
    setText(connText, 'Live · updated ' + fmtClock(Date.now()));
    conn.removeAttribute('title');
    body.classList.remove('is-stale');
  }
  function disconnected(err) {
    setAttr(conn, 'data-conn', 'reconnecting');
    setText(connText, 'Reconnecting…');
    setAttr(conn, 'title', 'The status API did not answer: ' + (err && err.message ? err.message : String(err)) + '. Retrying.');
    body.classList.add('is-stale');
  }

  /** One refresh at a time, one pending timer: a slow API never stacks requests or timers. */
  function poller(refresh) {
    var timer = 0, running = false, again = false;
    function tick() {
      clearTimeout(timer);
      if (running) { again = true; return; }
      running = true;
      refresh().then(function () { connected(); return REFRESH_MS; }, function (err) { disconnected(err); return Math.min(REFRESH_MS, 2000); })
        .then(function (delay) {
          running = false;
          if (again) { again = false; delay = 0; }
          timer = setTimeout(tick, delay);
        });
    }
    return tick;
  }

  /** Keeps a table body at n rows, reusing rows; make(tr) builds a new row's cells once. */
  function syncRows(tbody, n, make) {
    while (tbody.rows.length < n) make(tbody.insertRow());
    while (tbody.rows.length > n) tbody.deleteRow(-1);
  }
  function cells(tr, spec) {
    // spec: a string per cell; 'h' = row header, 'n' = numeric, 'w' = wrapping text, '' = plain.
    for (var i = 0; i < spec.length; i++) {
      var c = spec[i] === 'h' ? document.createElement('th') : document.createElement('td');
      if (spec[i] === 'h') c.scope = 'row';
      if (spec[i] === 'n') c.className = 'num';
      if (spec[i] === 'w') c.className = 'wrap';
      tr.appendChild(c);
    }
  }
  function badge(parent) {
    var s = document.createElement('span');
    s.className = 'badge';
    parent.appendChild(s);
    return s;
  }
  function setBadge(el, state) {
    setAttr(el, 'data-state', state);
    setText(el, statusLabel(state));
  }

  // ---- charts: timeline + histogram per metric, drawn in inline SVG ----------------------------
  var TW = 640, TH = 168, HW = 300;
  var M = { l: 58, r: 12, t: 10, b: 26 };
  var BINS = 10, MAX_TICKS = 6;

  /** A value axis from 0 with at most 5 round ticks (steps of 1, 2 or 5 × 10^k). */
  function niceScale(max) {
    if (!(max > 0)) max = 4; // an all-zero chart gets whole-number ticks, not 0.25 steps that round alike
    var raw = max / 4, p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
    var step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    if (step < 1 && max >= 1) step = 1;
    return { top: Math.ceil(max / step - 1e-9) * step, step: step };
  }

  function makeChart(parent, spec) {
    var row = document.createElement('div');
    row.className = 'chart-row';
    row.setAttribute('data-metric', spec.key);
    var label = document.createElement('div');
    label.className = 'chart-label';
    var h = document.createElement('h3'); h.textContent = spec.label; label.appendChild(h);
    var avg = document.createElement('div'); avg.className = 'avg'; avg.textContent = '—'; label.appendChild(avg);
    var max = document.createElement('div'); max.className = 'max'; label.appendChild(max);
    row.appendChild(label);

    var id = 'chart-' + spec.key;
    var t = svgEl('svg', { viewBox: '0 0 ' + TW + ' ' + TH, class: 'chart timeline', role: 'img', 'aria-labelledby': id + '-t-title', 'data-metric': spec.key });
    var tTitle = svgEl('title', { id: id + '-t-title' }, t);
    var grid = svgEl('g', { class: 'grid' }, t), ylabels = svgEl('g', { class: 'ylabels' }, t);
    var ticks = [];
    for (var i = 0; i < MAX_TICKS; i++) {
      ticks.push({ line: svgEl('line', { x1: M.l, x2: TW - M.r }, grid), text: svgEl('text', { x: M.l - 8, 'text-anchor': 'end', 'dominant-baseline': 'middle' }, ylabels) });
    }
    svgEl('line', { class: 'axis', x1: M.l, x2: TW - M.r, y1: TH - M.b, y2: TH - M.b }, t);
    var zone = spec.threshold ? svgEl('rect', { class: 'over-zone', x: M.l, width: TW - M.l - M.r }, t) : null;
    var area = svgEl('polygon', { class: 'area' }, t);
    var line = svgEl('polyline', { class: 'line' }, t);
    var thr = spec.threshold ? svgEl('line', { class: 'threshold', x1: M.l, x2: TW - M.r }, t) : null;
    var thrText = spec.threshold ? svgEl('text', { class: 'threshold-label', x: TW - M.r, 'text-anchor': 'end' }, t) : null;
    var points = svgEl('g', { class: 'points' }, t);
    var xFirst = svgEl('text', { x: M.l, y: TH - 8, 'text-anchor': 'start' }, t);
    var xLast = svgEl('text', { x: TW - M.r, y: TH - 8, 'text-anchor': 'end' }, t);
    var note = svgEl('text', { class: 'empty-note', x: (M.l + TW - M.r) / 2, y: (M.t + TH - M.b) / 2, 'text-anchor': 'middle' }, t);
    row.appendChild(t);

    var hs = svgEl('svg', { viewBox: '0 0 ' + HW + ' ' + TH, class: 'chart histogram', role: 'img', 'aria-labelledby': id + '-h-title', 'data-metric': spec.key });
    var hTitle = svgEl('title', { id: id + '-h-title' }, hs);
    var hl = 8, hr = 34;
    svgEl('line', { class: 'axis', x1: hl, x2: hl, y1: M.t, y2: TH - M.b }, hs);
    var bars = [];
    for (var b = 0; b < BINS; b++) {
      bars.push({ rect: svgEl('rect', { class: 'bar', x: hl, height: 0, width: 0 }, hs), text: svgEl('text', { 'dominant-baseline': 'middle' }, hs) });
    }
    svgEl('text', { x: HW - 4, y: TH - 8, 'text-anchor': 'end' }, hs).textContent = '#batches';
    row.appendChild(hs);
    parent.appendChild(row);

    return function update(batches, threshold) {
      var values = batches.map(spec.value);
      var n = values.length;
      var vmax = Math.max.apply(null, [0].concat(values));
      var scale = niceScale(Math.max(vmax, threshold ? threshold * 1.2 : 0)), top = scale.top;
      var plotH = TH - M.t - M.b, plotW = TW - M.l - M.r;
      function y(v) { return M.t + plotH - (v / top) * plotH; }
      for (var i = 0; i < MAX_TICKS; i++) {
        var v = scale.step * i, used = v <= top + 1e-9, yy = used ? y(v).toFixed(1) : '-100';
        setAttr(ticks[i].line, 'y1', yy); setAttr(ticks[i].line, 'y2', yy);
        setAttr(ticks[i].line, 'visibility', used ? 'visible' : 'hidden');
        setAttr(ticks[i].text, 'y', yy); setText(ticks[i].text, used ? spec.tick(v) : '');
      }
      var t0 = n ? batches[0].time : 0, t1 = n ? batches[n - 1].time : 0;
      function x(tm) { return n < 2 ? M.l + plotW / 2 : M.l + ((tm - t0) / (t1 - t0)) * plotW; }
      var coords = batches.map(function (b, i) { return x(b.time).toFixed(1) + ',' + y(values[i]).toFixed(1); });
      setAttr(line, 'points', coords.join(' '));
      setAttr(area, 'points', n ? coords.join(' ') + ' ' + x(t1).toFixed(1) + ',' + y(0).toFixed(1) + ' ' + x(t0).toFixed(1) + ',' + y(0).toFixed(1) : '');
      // Pool of points: grow or shrink to n, then move each in place.
      while (points.childNodes.length < n) svgEl('title', {}, svgEl('circle', { class: 'pt', r: 3.2 }, points));
      while (points.childNodes.length > n) points.removeChild(points.lastChild);
      var over = 0;
      for (var j = 0; j < n; j++) {
        var c = points.childNodes[j], isOver = threshold != null && values[j] > threshold;
        if (isOver) over++;
        setAttr(c, 'cx', x(batches[j].time).toFixed(1)); setAttr(c, 'cy', y(values[j]).toFixed(1));
        setAttr(c, 'class', isOver ? 'pt over' : 'pt');
        setAttr(c, 'data-time', batches[j].time);
        setText(c.firstChild, fmtTime(batches[j].time) + ': ' + spec.format(values[j]));
      }
      setAttr(line, 'data-points', n);
      if (thr) {
        var ty = y(threshold).toFixed(1);
        setAttr(thr, 'y1', ty); setAttr(thr, 'y2', ty);
        setAttr(thrText, 'y', (y(threshold) - 5).toFixed(1)); setText(thrText, 'batch interval ' + fmtMs(threshold));
        setAttr(zone, 'y', M.t); setAttr(zone, 'height', Math.max(0, y(threshold) - M.t).toFixed(1));
      }
      setText(xFirst, n ? fmtClock(t0) : ''); setText(xLast, n > 1 ? fmtClock(t1) : '');
      setText(note, n ? '' : 'No completed batches yet');

      // Histogram on the same value axis, bars growing rightwards (as in Spark).
      var counts = []; for (var k = 0; k < BINS; k++) counts.push(0);
      values.forEach(function (v) { counts[Math.min(BINS - 1, Math.floor((v / top) * BINS))]++; });
      var cmax = Math.max.apply(null, [1].concat(counts)), barW = HW - hl - hr;
      for (var q = 0; q < BINS; q++) {
        var y0 = y((top * (q + 1)) / BINS), y1 = y((top * q) / BINS), w = (counts[q] / cmax) * barW;
        setAttr(bars[q].rect, 'y', (y0 + 1).toFixed(1)); setAttr(bars[q].rect, 'height', Math.max(0, y1 - y0 - 2).toFixed(1));
        setAttr(bars[q].rect, 'width', w.toFixed(1));
        setAttr(bars[q].rect, 'class', threshold != null && (top * q) / BINS >= threshold ? 'bar over' : 'bar');
        setAttr(bars[q].text, 'x', (hl + w + 4).toFixed(1)); setAttr(bars[q].text, 'y', ((y0 + y1) / 2).toFixed(1));
        setText(bars[q].text, counts[q] ? counts[q] : '');
      }

      var mean = n ? values.reduce(function (a, v) { return a + v; }, 0) / n : null;
      setText(avg, mean == null ? '—' : 'avg ' + spec.format(mean));
      setText(max, n ? 'max ' + spec.format(vmax) + (threshold != null ? ' · ' + over + ' over interval' : '') : '');
      var summary = spec.label + ' over the last ' + n + ' completed batches' + (n ? ': average ' + spec.format(mean) + ', maximum ' + spec.format(vmax) : '') +
        (threshold != null && n ? '; ' + over + ' above the ' + fmtMs(threshold) + ' batch interval' : '') + '.';
      setText(tTitle, summary);
      setAttr(t, 'aria-label', summary);
      var hsum = 'Histogram of ' + spec.label.toLowerCase() + ' over ' + n + ' batches, ' + BINS + ' bins from 0 to ' + spec.format(top) + '.';
      setText(hTitle, hsum);
      setAttr(hs, 'aria-label', hsum);
    };
  }

  // ---- the stream page ------------------------------------------------------------------------
  function streamPage() {
    var charts = $('charts');
    var metrics = [
      { key: 'input-rate', label: 'Input rate', value: function (b) { return b.inputRate; }, format: fmtRate, tick: function (v) { return fmtRate(v); } },
      { key: 'scheduling-delay', label: 'Scheduling delay', value: function (b) { return b.schedulingDelayMs; }, format: fmtMs, tick: fmtMs },
      { key: 'processing-time', label: 'Processing time', value: function (b) { return b.processingMs; }, format: fmtMs, tick: fmtMs, threshold: true },
      { key: 'total-delay', label: 'Total delay', value: function (b) { return b.totalDelayMs; }, format: fmtMs, tick: fmtMs },
    ];
    var updaters = metrics.map(function (m) { return { spec: m, update: makeChart(charts, m) }; });

    var cursor = null, older = [], focusIndex = 0, lastPage = null;
    var batchBody = $('batch-table').tBodies[0];
    var dialog = $('detail'), openTime = null, detailSeq = 0;

    function renderStatus(s) {
      setBadge($('state'), s.state);
      setText($('state-since'), s.since != null ? 'since ' + fmtTime(s.since) : '');
      var reason = $('state-reason');
      // A stopped or failed driver's reason already leads the health list.
      var reasonShown = !!s.reason && s.state !== 'stopped' && s.state !== 'failed';
      setText(reason, reasonShown ? s.reason : ''); show(reason, reasonShown);
      var health = $('health');
      setAttr(health, 'data-level', s.health.level);
      var titles = {
        healthy: 'Healthy: batches finish within the batch interval.',
        degraded: 'Needs attention:',
        failing: 'Failing:',
        stopped: 'Stopped:',
        unknown: 'Driver state unknown; the figures below come from storage.',
      };
      setText($('health-title'), titles[s.health.level] || s.health.level);
      var list = $('health-problems');
      while (list.children.length < s.health.problems.length) list.appendChild(document.createElement('li'));
      while (list.children.length > s.health.problems.length) list.removeChild(list.lastChild);
      s.health.problems.forEach(function (p, i) { setText(list.children[i], p); });
      setText($('s-uptime'), s.uptimeMs != null ? fmtMs(s.uptimeMs) : '—');
      setText($('s-batch'), fmtMs(s.batchIntervalMs));
      setText($('s-block'), fmtMs(s.blockIntervalMs));
      setText($('s-mode'), s.receiverMode === 'reliable' ? 'Reliable' : 'Unreliable');
      setAttr($('s-mode'), 'title', s.receiverMode === 'reliable' ? 'Receivers return only after blocks, WAL records and checkpoint are durable' : 'Receivers buffer in memory and flush every block interval; a crash loses the buffer');
      setText($('s-completed'), fmtInt(s.completedBatches));
      setAttr($('s-completed'), 'title', s.completedBatchesExact ? 'Counted over the whole history' : 'Counted from the batch schedule: batches skipped before the newest ones shown are not subtracted');
      setText($('s-processed'), fmtInt(s.recordsProcessed));
      setText($('s-received'), fmtInt(s.recordsReceived));
      setText($('s-active'), fmtInt(s.activeBatches));
    }

    function renderCharts(page) {
      var done = page.batches.filter(function (b) { return b.processingMs != null; }).sort(function (a, b) { return a.time - b.time; });
      updaters.forEach(function (u) { u.update(done, u.spec.threshold ? page.batchIntervalMs : null); });
      setText($('charts-sub'), 'Last ' + done.length + ' completed of the newest ' + page.batches.length + ' batches');
    }

    function renderBatches(page) {
      lastPage = page;
      var rows = page.batches;
      syncRows(batchBody, rows.length, function (tr) {
        cells(tr, ['h', '', 'n', 'n', 'n', 'n', 'n', 'n', 'n', '']);
        badge(tr.cells[1]);
        tr.cells[6].classList.add('proc');
        var v = document.createElement('span'); v.className = 'view'; v.setAttribute('aria-hidden', 'true'); v.textContent = 'Details ›';
        tr.cells[9].appendChild(v);
      });
      if (focusIndex >= rows.length) focusIndex = Math.max(0, rows.length - 1);
      rows.forEach(function (b, i) {
        var tr = batchBody.rows[i];
        setAttr(tr, 'data-time', b.time);
        setAttr(tr, 'tabindex', i === focusIndex ? 0 : -1);
        setAttr(tr, 'data-status', batchState(b));
        tr.classList.toggle('is-over', b.processingMs != null && b.processingMs > page.batchIntervalMs);
        setText(tr.cells[0], fmtTime(b.time));
        setBadge(tr.cells[1].firstChild, batchState(b));
        setAttr(tr.cells[1].firstChild, 'title', b.error || '');
        setText(tr.cells[2], fmtInt(b.records));
        setText(tr.cells[3], fmtRate(b.inputRate));
        setText(tr.cells[4], fmtInt(b.tasks));
        setText(tr.cells[5], fmtMs(b.schedulingDelayMs));
        setText(tr.cells[6], fmtMs(b.processingMs));
        setText(tr.cells[7], fmtMs(b.totalDelayMs));
        setText(tr.cells[8], fmtInt(b.deadLettered));
        tr.cells[8].classList.toggle('has-dl', b.deadLettered > 0);
      });
      show($('batches-empty'), rows.length === 0);
      $('page-older').disabled = page.paging.next == null;
      $('page-newer').disabled = cursor == null;
      $('page-newest').disabled = cursor == null;
      setText($('page-label'), 'Page ' + (older.length + 1));
    }

    function renderReceivers(r) {
      var tbody = $('receivers').tBodies[0];
      syncRows(tbody, r.receivers.length, function (tr) { cells(tr, ['h', '', 'n', 'n', 'n', 'n', '', '', 'n', 'n']); });
      r.receivers.forEach(function (x, i) {
        var c = tbody.rows[i].cells;
        setText(c[0], x.source + '/' + x.partition);
        setText(c[1], x.owner);
        setText(c[2], fmtInt(x.lastSeq));
        setText(c[3], fmtRate(x.eventsPerSec));
        setText(c[4], x.lag == null ? '—' : fmtInt(x.lag));
        setAttr(c[4], 'title', x.lastEnqueued == null ? 'Partition properties unavailable' : 'Last enqueued sequence number ' + x.lastEnqueued);
        setText(c[5], fmtInt(x.pending));
        setText(c[6], fmtTime(x.lastEnqueuedTime));
        setText(c[7], fmtTime(x.lastBlockAt));
        setText(c[8], fmtInt(x.redeliveries));
        setText(c[9], fmtInt(x.events));
      });
      show($('receivers-empty'), r.receivers.length === 0);
      setText($('receivers-sub'), r.rateWindow.batches ? 'Rates over the newest ' + r.rateWindow.batches + ' batches' : '');
    }

    function renderDeadLetterRows(tbody, entries, withBatch) {
      syncRows(tbody, entries.length, function (tr) { cells(tr, withBatch ? ['h', '', 'n', '', 'w', 'w'] : ['h', 'n', '', 'w', 'w']); });
      entries.forEach(function (e, i) {
        var c = tbody.rows[i].cells, k = 0;
        if (withBatch) setText(c[k++], fmtTime(e.batchTime));
        setText(c[k++], e.partition != null ? (e.source || '') + '/' + e.partition : e.stage);
        setText(c[k++], e.sequenceNumber != null ? fmtInt(e.sequenceNumber) : '—');
        setText(c[k++], e.operator);
        setText(c[k], e.error); c[k++].classList.add('err-text');
        setText(c[k], e.preview + (e.truncated ? '…' : '')); c[k].classList.add('mono');
      });
    }

    function renderDeadLetters(d) {
      var count = $('dl-count');
      setText(count, fmtInt(d.count));
      count.classList.toggle('has', d.count > 0);
      setText($('dl-sub'), d.window.batches ? 'In the newest ' + d.window.batches + ' batches' : '');
      renderDeadLetterRows($('dead-letters').tBodies[0], d.entries, true);
      show($('dl-empty'), d.entries.length === 0);
    }

    function refresh() {
      var q = '?limit=' + PAGE_SIZE + (cursor != null ? '&before=' + cursor : '');
      return Promise.all([getJson(''), getJson('/batches?limit=' + CHART_BATCHES), getJson('/batches' + q), getJson('/receivers'), getJson('/deadletters?limit=10')])
        .then(function (r) {
          renderStatus(r[0]); renderCharts(r[1]); renderBatches(r[2]); renderReceivers(r[3]); renderDeadLetters(r[4]);
        });
    }
    var tick = poller(refresh);

    // Paging: a stack of cursors, so "Newer" returns exactly to the page before.
    $('page-older').addEventListener('click', function () {
      if (!lastPage || lastPage.paging.next == null) return;
      older.push(cursor); cursor = lastPage.paging.next; focusIndex = 0; tick();
    });
    $('page-newer').addEventListener('click', function () {
      if (cursor == null) return;
      cursor = older.pop(); if (cursor === undefined) cursor = null; focusIndex = 0; tick();
    });
    $('page-newest').addEventListener('click', function () { cursor = null; older = []; focusIndex = 0; tick(); });

    // Keyboard: one focusable row at a time (roving tabindex); arrows move, Enter/Space open.
    function focusRow(i) {
      var rows = batchBody.rows;
      if (!rows.length) return;
      i = Math.max(0, Math.min(rows.length - 1, i));
      if (rows[focusIndex]) setAttr(rows[focusIndex], 'tabindex', -1);
      focusIndex = i;
      setAttr(rows[i], 'tabindex', 0);
      rows[i].focus();
    }
    batchBody.addEventListener('keydown', function (e) {
      var tr = e.target.closest('tr');
      if (!tr || tr.parentNode !== batchBody) return;
      var i = tr.sectionRowIndex, next = null;
      if (e.key === 'ArrowDown') next = i + 1;
      else if (e.key === 'ArrowUp') next = i - 1;
      else if (e.key === 'Home') next = 0;
      else if (e.key === 'End') next = batchBody.rows.length - 1;
      else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); openDetail(Number(tr.getAttribute('data-time'))); return; }
      if (next !== null) { e.preventDefault(); focusRow(next); }
    });
    batchBody.addEventListener('click', function (e) {
      var tr = e.target.closest('tr');
      if (!tr || tr.parentNode !== batchBody) return;
      focusRow(tr.sectionRowIndex);
      openDetail(Number(tr.getAttribute('data-time')));
    });

    // ---- batch detail dialog ----
    $('detail-close').addEventListener('click', function () { dialog.close(); });
    dialog.addEventListener('close', function () {
      openTime = null;
      var row = batchBody.rows[focusIndex];
      if (row) row.focus();
    });
    dialog.addEventListener('click', function (e) { if (e.target === dialog) dialog.close(); });

    function statItem(list, i, label, value) {
      var d = list.children[i];
      if (!d) { d = document.createElement('div'); d.appendChild(document.createElement('dt')); d.appendChild(document.createElement('dd')); list.appendChild(d); }
      setText(d.firstChild, label); setText(d.lastChild, value);
    }

    function renderDetail(d) {
      var b = d.batch;
      setText($('detail-title'), 'Batch ' + fmtTime(b.time));
      setBadge($('detail-status'), batchState(b));
      var stats = $('detail-stats'), items = [
        ['Records', fmtInt(b.records)], ['Bytes', fmtBytes(b.bytes)], ['Input rate', fmtRate(b.inputRate)], ['Tasks', fmtInt(b.tasks)],
        ['Scheduling delay', fmtMs(b.schedulingDelayMs)], ['Processing time', fmtMs(b.processingMs)], ['Total delay', fmtMs(b.totalDelayMs)],
        ['Dead-lettered', fmtInt(b.deadLettered)], ['Allocated at', fmtTime(d.allocatedAt)], ['Started at', fmtTime(d.startedAt)],
        ['Completed at', fmtTime(d.completedAt)],
      ];
      if (d.failedAt != null) items.push(['Failed at', fmtTime(d.failedAt)]);
      items.forEach(function (it, i) { statItem(stats, i, it[0], it[1]); });
      while (stats.children.length > items.length) stats.removeChild(stats.lastChild);
      var err = $('detail-error');
      setText(err, b.error ? (b.skipped ? 'Skipped after failing: ' : 'Failed: ') + b.error : ''); show(err, !!b.error);

      var ranges = $('detail-ranges').tBodies[0];
      syncRows(ranges, d.ranges.length, function (tr) { cells(tr, ['h', '', 'n', 'n', 'n']); });
      d.ranges.forEach(function (r, i) {
        var c = ranges.rows[i].cells;
        setText(c[0], r.source + '/' + r.partition);
        setText(c[1], r.first == null ? 'none (nothing new after ' + fmtInt(r.after) + ')' : fmtInt(r.first) + ' – ' + fmtInt(r.last));
        setText(c[2], fmtInt(r.records)); setText(c[3], fmtInt(r.blocks)); setText(c[4], fmtBytes(r.bytes));
      });
      var tasks = $('detail-tasks').tBodies[0];
      syncRows(tasks, d.tasks.length, function (tr) { cells(tr, ['h', 'n', 'n', 'n', 'n', 'n', 'n']); });
      d.tasks.forEach(function (t, i) {
        var c = tasks.rows[i].cells;
        setText(c[0], 'Task ' + t.task); setText(c[1], fmtInt(t.blocks)); setText(c[2], fmtInt(t.recordsIn)); setText(c[3], fmtInt(t.recordsOut));
        setText(c[4], fmtInt(t.deadLettered)); setText(c[5], fmtBytes(t.bytes)); setText(c[6], fmtMs(t.durationMs));
      });
      show($('detail-no-tasks'), d.tasks.length === 0);
      var outs = $('detail-outputs');
      while (outs.children.length < d.outputs.length) outs.appendChild(document.createElement('li'));
      while (outs.children.length > d.outputs.length) outs.removeChild(outs.lastChild);
      d.outputs.forEach(function (o, i) { setText(outs.children[i], o); });
      show($('detail-no-outputs'), d.outputs.length === 0);
      renderDeadLetterRows($('detail-dead-letters').tBodies[0], d.deadLetters, false);
      show($('detail-dl-block'), d.deadLetters.length > 0);
    }

    function openDetail(time) {
      if (!isFinite(time)) return;
      openTime = time;
      var seq = ++detailSeq;
      var msg = $('detail-message');
      setText(msg, 'Loading batch ' + fmtTime(time) + '…'); show(msg, true);
      if (!dialog.open) dialog.showModal();
      getJson('/batches/' + time).then(function (d) {
        if (seq !== detailSeq || openTime !== time) return;
        show(msg, false);
        renderDetail(d);
      }, function (err) {
        if (seq !== detailSeq) return;
        setText(msg, 'Could not load this batch: ' + err.message);
      });
    }

    tick();
  }

  // ---- the index page -------------------------------------------------------------------------
  function indexPage() {
    var tbody = $('streams').tBodies[0];
    function refresh() {
      return getJson('/streams').then(function (r) {
        syncRows(tbody, r.streams.length, function (tr) {
          cells(tr, ['h', '', 'n', '', '']);
          tr.cells[0].appendChild(document.createElement('a'));
          badge(tr.cells[1]);
          badge(tr.cells[4]);
        });
        r.streams.forEach(function (s, i) {
          var c = tbody.rows[i].cells, a = c[0].firstChild;
          setAttr(a, 'href', s.links.ui); setText(a, s.name);
          setBadge(c[1].firstChild, s.state);
          setAttr(c[1].firstChild, 'title', s.reason || '');
          setText(c[2], fmtMs(s.batchIntervalMs));
          setText(c[3], s.latestBatch ? fmtTime(s.latestBatch.time) : '—');
          var lb = c[4].firstChild;
          show(lb, !!s.latestBatch);
          if (s.latestBatch) setBadge(lb, s.latestBatch.status);
        });
        show($('streams-empty'), r.streams.length === 0);
      });
    }
    poller(refresh)();
  }

  if (body.getAttribute('data-page') === 'index') indexPage(); else streamPage();
})();
`;
