'use strict';
// The dashboard page: draws /dashboard/api/* (projections), /v1/quotas and /readyz; the live feed is SSE.
(function () {
  const LANE_COLORS = { anthropic: '#d97757', zai: '#2563eb' };
  const PALETTE = ['#0d9488', '#7c3aed', '#db2777', '#65a30d', '#ea580c', '#0891b2', '#a16207', '#4b5563'];
  const DECISION_COLORS = {
    model_route: '#2563eb', default_route: '#94a3b8', rerouted_on_limit: '#f59e0b', fallback_401: '#7c3aed',
    quota_block: '#dc2626', paused: '#475569', license_block: '#a16207', missing_credentials: '#db2777',
    manual_override: '#0d9488', rejected: '#7f1d1d', fallback_unsupported: '#eab308'
  };
  const LIMIT_COLORS = { errors: '#dc2626', '429': '#f59e0b', '529': '#ea580c', '401': '#7c3aed' };
  const state = { range: 'hour', filters: {}, source: null, charts: {}, lastOverview: null };
  const $ = (sel) => document.querySelector(sel);
  const fmt = (n) => (n === null || n === undefined) ? '–' : Number(n).toLocaleString('en-US');
  const ms = (n) => (n === null || n === undefined) ? '–' : (n >= 10000 ? (n / 1000).toFixed(1) + ' s' : Math.round(n) + ' ms');
  let paletteNext = 0;
  function laneColor(lane) {
    if (!LANE_COLORS[lane]) { LANE_COLORS[lane] = PALETTE[paletteNext++ % PALETTE.length]; }
    return LANE_COLORS[lane];
  }
  function otherColor(map, key) {
    if (!map[key]) { map[key] = PALETTE[paletteNext++ % PALETTE.length]; }
    return map[key];
  }
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined) continue;
      if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v);
    }
    for (const c of children) { if (c !== null && c !== undefined) e.append(c); }
    return e;
  }
  async function getJson(url) {
    const res = await fetch(url, { cache: 'no-store' });
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    return { status: res.status, body };
  }
  function errorMessage(r) {
    return r.body && r.body.error ? r.body.error.message : 'HTTP ' + r.status;
  }

  // ---- time buckets -------------------------------------------------------------------------------
  function bucketLabels(o) {
    const starts = [];
    for (let s = o.from_s; s < o.to_s; s += o.bucket_seconds) starts.push(s);
    const labels = starts.map((s) => {
      const d = new Date(s * 1000);
      if (o.range === 'hour') return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      if (o.range === 'day') return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
    });
    return { starts, labels };
  }

  // ---- charts -------------------------------------------------------------------------------------
  function chart(id, type, stacked, yTitle) {
    if (state.charts[id]) return state.charts[id];
    const c = new Chart(document.getElementById(id), {
      type,
      data: { labels: [], datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, spanGaps: true,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10, font: { size: 11 } } } },
        scales: {
          x: { stacked, grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12, font: { size: 11 } } },
          y: { stacked, beginAtZero: true, title: { display: !!yTitle, text: yTitle, font: { size: 11 } },
               ticks: { font: { size: 11 }, precision: 0 }, grid: { color: '#eef0f3' } }
        }
      }
    });
    state.charts[id] = c;
    return c;
  }
  function draw(id, type, stacked, labels, datasets, empty, yTitle) {
    const c = chart(id, type, stacked, yTitle);
    c.data.labels = labels;
    c.data.datasets = datasets;
    c.update('none');
    document.getElementById(id).parentElement.querySelector('.nodata').hidden = !empty;
  }
  function series(starts, rows, key, value) {
    const byStart = new Map();
    for (const r of rows) if (r.lane === key) byStart.set(r.start_s, value(r));
    return starts.map((s) => byStart.has(s) ? byStart.get(s) : null);
  }

  // ---- overview -----------------------------------------------------------------------------------
  async function loadOverview() {
    const r = await getJson('/dashboard/api/overview?range=' + encodeURIComponent(state.range));
    if (r.status !== 200) { showBanner('The overview cannot be read: ' + errorMessage(r)); return; }
    const o = r.body;
    state.lastOverview = o;
    const { starts, labels } = bucketLabels(o);
    const lanes = [...new Set(o.lanes.map((b) => b.lane))].sort((a, b) =>
      (a === o.default_lane ? -1 : b === o.default_lane ? 1 : a.localeCompare(b)));
    const t = o.totals;
    setTotal('requests', t.requests);
    setTotal('input_tokens', t.input_tokens);
    setTotal('output_tokens', t.output_tokens);
    setTotal('cache_creation_input_tokens', t.cache_creation_input_tokens);
    setTotal('cache_read_input_tokens', t.cache_read_input_tokens);
    const share = t.requests > 0 ? Math.round(1000 * t.offloaded / t.requests) / 10 : null;
    const off = document.querySelector('[data-total="offload"]');
    off.textContent = share === null ? '–' : share + '%';
    off.dataset.value = t.offloaded;
    document.querySelector('[data-total="offload-line"]').textContent =
      t.requests > 0 ? fmt(t.offloaded) + ' served off ' + (o.default_lane || 'the default lane') : '';
    document.querySelector('[data-total="errors-line"]').textContent = t.requests > 0 ? fmt(t.errors) + (t.errors === 1 ? ' error' : ' errors') : '';
    const from = new Date(o.from_s * 1000), to = new Date(o.to_s * 1000);
    const note = $('#range-note');
    note.dataset.fromS = o.from_s;
    note.dataset.toS = o.to_s;
    note.textContent = 'From ' + from.toLocaleString() + ' to ' + to.toLocaleString() + ' (' +
      (o.range === 'hour' ? 'by minute' : o.range === 'day' ? 'by hour' : 'by day') + ')' +
      (o.projector.applied_until ? '; figures include every request the projector applied up to ' +
        new Date(o.projector.applied_until).toLocaleTimeString() : '');
    const empty = t.requests === 0;
    renderMoney(o.money);

    draw('chart-requests', 'bar', true, labels, lanes.map((l) => ({
      label: l, backgroundColor: laneColor(l), data: series(starts, o.lanes, l, (b) => b.requests) })), empty);
    draw('chart-tokens', 'bar', true, labels, lanes.map((l) => ({
      label: l, backgroundColor: laneColor(l), data: series(starts, o.lanes, l,
        (b) => b.input_tokens + b.output_tokens + b.cache_creation_input_tokens + b.cache_read_input_tokens) })), empty);
    const pct = (key50, key95) => lanes.flatMap((l) => [
      { label: l + ' p50', borderColor: laneColor(l), backgroundColor: laneColor(l), pointRadius: 2.5, borderWidth: 2,
        data: series(starts, o.lanes, l, (b) => b[key50]) },
      { label: l + ' p95', borderColor: laneColor(l), backgroundColor: '#fff', pointRadius: 2, borderWidth: 1.5,
        borderDash: [5, 4], data: series(starts, o.lanes, l, (b) => b[key95]) }]);
    draw('chart-latency', 'line', false, labels, pct('latency_p50_ms', 'latency_p95_ms'), empty, 'ms');
    const ttfbEmpty = !o.lanes.some((b) => b.ttfb_p50_ms !== null);
    draw('chart-ttfb', 'line', false, labels, pct('ttfb_p50_ms', 'ttfb_p95_ms'), ttfbEmpty, 'ms');

    const decisionNames = [...new Set(Object.values(o.decisions).flatMap((m) => Object.keys(m)))].sort();
    draw('chart-decisions', 'bar', true, labels, decisionNames.map((d) => ({
      label: d, backgroundColor: DECISION_COLORS[d] || otherColor(DECISION_COLORS, d),
      data: starts.map((s) => (o.decisions[s] || {})[d] || null) })), decisionNames.length === 0);
    const detail = $('#detail-note');
    if (o.detail_from_s && o.detail_from_s > o.from_s) {
      detail.hidden = false;
      detail.textContent = 'Per-request detail (decisions, limit answers, time to first byte) starts ' +
        new Date(o.detail_from_s * 1000).toLocaleDateString() + ': samples are kept CCP_SAMPLE_TTL_DAYS days.';
    } else {
      detail.hidden = true;
    }
    const errorsPer = starts.map((s) => o.lanes.filter((b) => b.start_s === s).reduce((a, b) => a + b.errors, 0) || null);
    const limitKinds = [...new Set(Object.values(o.limits).flatMap((m) => Object.keys(m)))].sort();
    const limitSets = [{ label: 'errors', backgroundColor: LIMIT_COLORS.errors, data: errorsPer }].concat(limitKinds.map((k) => ({
      label: k, backgroundColor: LIMIT_COLORS[k] || otherColor(LIMIT_COLORS, k),
      data: starts.map((s) => (o.limits[s] || {})[k] || null) })));
    draw('chart-limits', 'bar', false, labels, limitSets, t.errors === 0 && limitKinds.length === 0);

    laneTable(lanes, o.lane_totals, t.requests);
    projectorStatus(o.projector);
  }
  function setTotal(key, n) {
    const e = document.querySelector('[data-total="' + key + '"]');
    e.textContent = fmt(n);
    e.dataset.value = n;
  }
  function laneTable(lanes, totals, total) {
    const swatch = (l) => el('td', {}, el('span', { class: 'swatch', style: 'background:' + laneColor(l) }), l);
    const requests = $('#lane-requests tbody');
    const tokens = $('#lane-tokens tbody');
    requests.replaceChildren();
    tokens.replaceChildren();
    for (const l of lanes) {
      const t = totals.find((x) => x.lane === l);
      if (!t) continue;
      requests.append(el('tr', { 'data-lane': l }, swatch(l), el('td', { text: fmt(t.requests) }),
        el('td', { text: total > 0 ? Math.round(1000 * t.requests / total) / 10 + '%' : '–' }), el('td', { text: fmt(t.errors) }),
        el('td', { text: ms(t.latency_p50_ms) }), el('td', { text: ms(t.latency_p95_ms) })));
      tokens.append(el('tr', { 'data-lane': l }, swatch(l),
        el('td', { text: fmt(t.input_tokens) }), el('td', { text: fmt(t.output_tokens) }),
        el('td', { text: fmt(t.cache_creation_input_tokens) }), el('td', { text: fmt(t.cache_read_input_tokens) })));
    }
  }

  // ---- projector lag, banner --------------------------------------------------------------------
  function showBanner(text) {
    const b = $('#banner');
    b.hidden = !text;
    b.textContent = text || '';
  }
  function projectorStatus(p) {
    const s = $('#status');
    s.dataset.lag = p.lag_events === null ? '' : p.lag_events;
    if (!p.database) {
      s.className = 'status down';
      s.textContent = 'no projector database yet';
      showBanner('No data yet: the projector has not written its database (is bin/ccp-projector running?). ' +
        'Every panel stays empty until it does.');
      return;
    }
    const applied = p.applied_until ? new Date(p.applied_until) : null;
    const behindFor = applied ? (Date.now() - applied.getTime()) / 1000 : 0;
    if (p.lag_events > 0 && behindFor > 5) {
      s.className = 'status behind';
      s.textContent = 'projector ' + fmt(p.lag_events) + ' events behind';
      showBanner('The projector is ' + fmt(p.lag_events) + ' events behind the log: the figures stop at ' +
        (applied ? applied.toLocaleTimeString() : 'its last checkpoint') + ' and requests after that are not counted yet.');
    } else {
      s.className = 'status ok';
      s.textContent = 'projector up to date' + (p.lag_events > 0 ? ' (' + p.lag_events + ' in flight)' : '');
      showBanner(null);
    }
  }

  // ---- cost, savings and Anthropic's windows -------------------------------------------------------
  function usd(n) {
    if (n === null || n === undefined) return '–';
    const v = Number(n);
    return '$' + (Math.abs(v) < 0.01 && v !== 0 ? v.toPrecision(2) : v.toFixed(2));
  }
  function pctOf(u) { return u === null || u === undefined ? '–' : Math.round(u * 1000) / 10 + '%'; }
  function renderMoney(m) {
    const box = $('#money');
    if (!m || !m.available) {
      box.replaceChildren(el('p', { class: 'muted', text: 'No data yet: no priced request and no window reported by a provider in this range.' }));
      return;
    }
    const figure = (key, label, value, shown) => el('div', { class: 'quota' },
      el('div', { class: 'row' }, el('span', { text: label }),
        el('b', { 'data-money': key, 'data-value': String(value), text: shown })));
    const parts = [
      el('p', { class: 'muted', text: 'Since ' + new Date(m.from_s * 1000).toLocaleString() + ' (cost is kept by the hour)' }),
      figure('cost_usd', 'Cost (what providers charged)', m.cost_usd, usd(m.cost_usd)),
      figure('list_cost_usd', 'List cost (Anthropic, for the models asked)', m.list_cost_usd, usd(m.list_cost_usd)),
      figure('saved_usd', 'Saved by offloading', m.saved_usd, usd(m.saved_usd)),
      figure('unpriced_requests', 'Unpriced requests (no price for their model)', m.unpriced_requests, fmt(m.unpriced_requests))
    ];
    if (m.windows.length === 0) {
      parts.push(el('p', { class: 'muted', text: 'No provider has reported its own rate-limit windows yet.' }));
    }
    for (const w of m.windows) {
      const win = (name, x) => {
        if (!x) return null;
        const u = x.utilization === null || x.utilization === undefined ? 0 : x.utilization;
        const cls = x.status === 'rejected' ? 'block' : (x.status || '').includes('warning') ? 'warn' : '';
        return el('div', { class: 'quota', 'data-window': w.provider + '/' + w.credential + '/' + name },
          el('div', { class: 'row' },
            el('span', {}, el('b', { text: w.provider + ' ' + name }), ' ', el('span', { class: 'muted', text: w.credential })),
            el('span', { 'data-value': String(x.utilization), text: pctOf(x.utilization) + (x.stale ? ' · reset since'
              : x.reset ? ' · resets ' + new Date(x.reset).toLocaleString() : '') })),
          el('div', { class: 'bar' }, el('div', { class: 'fill ' + cls, style: 'width:' + Math.min(100, u * 100) + '%' })));
      };
      parts.push(win('5h', w.five_hour), win('7d', w.seven_day));
    }
    box.replaceChildren(...parts.filter((x) => x !== null));
  }

  // ---- quotas -------------------------------------------------------------------------------------
  async function loadQuotas() {
    const box = $('#quotas');
    let r;
    try { r = await getJson('/v1/quotas'); } catch (e) { box.replaceChildren(el('p', { class: 'muted', text: 'The proxy does not answer.' })); return; }
    if (r.status !== 200) { box.replaceChildren(el('p', { class: 'muted', text: 'Quotas cannot be read: ' + errorMessage(r) })); return; }
    const quotas = r.body.quotas || [];
    if (quotas.length === 0) {
      box.replaceChildren(el('p', { class: 'muted', text: 'No quotas configured (configs/quotas.example.yaml shows how; docs/QUOTAS.md).' }));
      return;
    }
    const standings = new Map((r.body.standings || []).map((s) => [s.name, s]));
    box.replaceChildren(...quotas.map((q) => {
      const s = standings.get(q.name) || {};
      const pct = Math.max(s.rolling_pct || 0, s.weekly_pct || 0);
      const cls = s.block ? 'block' : s.warn ? 'warn' : '';
      return el('div', { class: 'quota', 'data-quota': q.name },
        el('div', { class: 'row' }, el('span', {}, el('b', { text: q.name }), ' ', el('span', { class: 'muted', text: (q.provider || '') + (q.model ? ' · ' + q.model : '') + ' · ' + q.window })),
          el('span', { text: (Math.round(pct * 10) / 10) + '%' + (s.block ? ' · blocking' : s.warn ? ' · warning' : '') })),
        el('div', { class: 'bar' },
          el('div', { class: 'fill ' + cls, style: 'width:' + Math.min(100, pct) + '%' }),
          q.warn_pct ? el('div', { class: 'mark warn', title: 'warn at ' + q.warn_pct + '%', style: 'left:' + Math.min(100, q.warn_pct) + '%' }) : null,
          q.block_pct ? el('div', { class: 'mark block', title: 'block at ' + q.block_pct + '%', style: 'left:calc(' + Math.min(100, q.block_pct) + '% - 2px)' }) : null));
    }));
  }

  // ---- health -------------------------------------------------------------------------------------
  async function loadHealth() {
    const box = $('#health');
    let r;
    try { r = await getJson('/readyz'); } catch (e) { box.replaceChildren(el('p', { class: 'muted', text: 'The proxy does not answer.' })); return; }
    const h = r.body;
    if (!h || !h.providers) { box.replaceChildren(el('p', { class: 'muted', text: 'Health cannot be read: ' + errorMessage(r) })); return; }
    const providers = el('div', { class: 'cell', 'data-health': 'providers' }, el('h3', { text: 'Providers' }),
      ...Object.entries(h.providers).map(([name, p]) => el('div', { title: p.base_url },
        el('span', { class: 'dot ' + (p.reachable ? 'ok' : 'bad') }), el('b', { text: name }),
        ' ', el('span', { class: 'muted', text: (p.default ? 'default · ' : '') + p.reason + (p.last_error ? ' · last error ' + p.last_error.type : '') }))));
    const lag = h.projector.lag;
    const projector = el('div', { class: 'cell', 'data-health': 'projector' }, el('h3', { text: 'Projector' }),
      el('div', {}, el('span', { class: 'dot ' + (lag === null ? 'bad' : lag > 0 ? 'warn' : 'ok') }),
        lag === null ? (h.projector.reason || 'unknown') : lag === 0 ? 'up to date' : fmt(lag) + ' events behind'));
    const log = h.event_log;
    const eventLog = el('div', { class: 'cell', 'data-health': 'event-log' }, el('h3', { text: 'Event log' }),
      el('div', {}, el('span', { class: 'dot ' + (log.writable ? 'ok' : 'bad') }), fmt(log.appends) + ' appends'),
      el('div', { class: log.append_errors > 0 ? 'error' : 'muted', text: fmt(log.append_errors) + ' append errors · ' + fmt(log.queued) + ' queued' }));
    const routing = el('div', { class: 'cell', 'data-health': 'routing' }, el('h3', { text: 'Routing' }),
      el('div', {}, el('span', { class: 'dot ' + (h.paused ? 'warn' : 'ok') }), h.paused ? 'offload paused' : 'offload on'),
      el('div', { class: 'muted', text: 'model override: ' + (h.model_override || 'none') }),
      el('div', { class: 'muted', text: 'license: ' + (h.license.ok ? h.license.plan : 'community') }));
    box.replaceChildren(providers, projector, eventLog, routing);
  }

  // ---- live feed ----------------------------------------------------------------------------------
  function query(extra) {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries(state.filters)) if (v) p.set(k, v);
    for (const [k, v] of Object.entries(extra || {})) if (v) p.set(k, v);
    const s = p.toString();
    return s ? '?' + s : '';
  }
  function feedRow(r, fresh) {
    const status = el('span', { class: 'pill s' + String(r.status).charAt(0), text: r.status });
    const tr = el('tr', { 'data-req-id': r.req_id, 'data-id': r.id, class: fresh ? 'fresh' : null, title: r.reason || '' },
      el('td', { text: new Date(r.ts).toLocaleTimeString() }),
      el('td', { text: r.model || '–' }),
      el('td', {}, el('span', { class: 'swatch', style: 'background:' + laneColor(r.lane || 'unknown') }), r.lane || '–'),
      el('td', { class: 'hide-s' }, r.decision || '–', r.reason ? el('span', { class: 'reason', text: r.reason }) : null),
      el('td', {}, status),
      el('td', { class: 'num', text: fmt(r.input_tokens) + ' / ' + fmt(r.output_tokens) }),
      el('td', { class: 'num', text: ms(r.latency_ms) }));
    tr.addEventListener('click', () => openTrail(r.req_id));
    return tr;
  }
  async function loadFeed() {
    if (state.source) { state.source.close(); state.source = null; }
    $('#live-dot').classList.remove('on');
    const r = await getJson('/dashboard/api/feed' + query({ limit: 50 }));
    const err = $('#filter-error');
    if (r.status !== 200) { err.hidden = false; err.textContent = errorMessage(r); return; }
    err.hidden = true;
    const body = $('#feed tbody');
    body.replaceChildren(...r.body.requests.map((row) => feedRow(row, false)));
    $('#feed-empty').hidden = r.body.requests.length > 0;
    const source = new EventSource('/dashboard/api/feed/stream' + query({ after: r.body.cursor }));
    state.source = source;
    source.onopen = () => $('#live-dot').classList.add('on');
    source.onerror = () => $('#live-dot').classList.remove('on');
    source.addEventListener('request', (ev) => {
      const row = JSON.parse(ev.data);
      body.prepend(feedRow(row, true));
      while (body.children.length > 200) body.lastElementChild.remove();
      $('#feed-empty').hidden = true;
      overviewSoon();
    });
    source.addEventListener('projector', (ev) => projectorStatus(JSON.parse(ev.data)));
  }

  // A finished request changes the totals: redraw them shortly after (once for a burst), not only every 5 s.
  let overviewTimer = null;
  function overviewSoon() {
    if (overviewTimer) return;
    overviewTimer = setTimeout(() => {
      overviewTimer = null;
      loadOverview().catch((e) => showBanner(e.message));
    }, 300);
  }

  // ---- drill-down ---------------------------------------------------------------------------------
  function fieldsOf(e) {
    const skip = new Set(['type', 'id', 'req_id', 'reqId', 'ts_us', 'tsUs', 'at_ms', 'data', 'data_cut']);
    return Object.entries(e).filter(([k, v]) => !skip.has(k) && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0))
      .map(([k, v]) => k + '=' + (typeof v === 'object' ? JSON.stringify(v) : v)).join(' · ');
  }
  async function openTrail(reqId) {
    const drill = $('#drill');
    drill.hidden = false;
    $('#drill-title').textContent = reqId;
    const list = $('#trail');
    const summary = $('#drill-summary');
    list.replaceChildren(el('li', { class: 'muted', text: 'loading…' }));
    summary.replaceChildren();
    const r = await getJson('/dashboard/api/requests/' + encodeURIComponent(reqId));
    if (r.status !== 200) { list.replaceChildren(el('li', { class: 'error', text: errorMessage(r) })); return; }
    const q = r.body.request;
    const add = (k, v) => { if (v !== null && v !== undefined && v !== '') summary.append(el('dt', { text: k }), el('dd', { text: v })); };
    add('finished', new Date(q.ts).toLocaleString());
    add('model', q.model + (q.upstream_model ? ' → ' + q.upstream_model : ''));
    add('lane', q.lane);
    add('decision', q.decision + (q.reason ? ': ' + q.reason : ''));
    add('status', q.status + ' · ' + q.outcome);
    add('tokens', 'in ' + fmt(q.input_tokens) + ' · out ' + fmt(q.output_tokens) + ' · cache write ' +
      fmt(q.cache_creation_input_tokens) + ' · cache read ' + fmt(q.cache_read_input_tokens));
    add('latency', ms(q.latency_ms) + (q.ttfb_ms !== null ? ' · first byte ' + ms(q.ttfb_ms) : ''));
    add('session', q.session);
    if (r.body.events.length === 0) {
      list.replaceChildren(el('li', { class: 'muted', text: 'The event log no longer holds this request\'s events.' }));
      return;
    }
    list.replaceChildren(...r.body.events.map((e) => el('li', { 'data-event-type': e.type },
      el('span', { class: 'at', text: '+' + e.at_ms.toFixed(1) + ' ms' }), el('span', { class: 'type', text: e.type }),
      el('div', { class: 'fields', text: fieldsOf(e) }),
      e.data ? el('pre', { text: e.data }) : null)));
  }
  function closeTrail() { $('#drill').hidden = true; }

  // ---- wiring -------------------------------------------------------------------------------------
  function refresh() {
    loadOverview().catch((e) => showBanner('The proxy does not answer (' + e.message + ').'));
    loadQuotas().catch(() => {});
    loadHealth().catch(() => {});
  }
  document.addEventListener('DOMContentLoaded', () => {
    for (const b of document.querySelectorAll('.ranges button')) {
      b.addEventListener('click', () => {
        for (const o of document.querySelectorAll('.ranges button')) o.classList.toggle('on', o === b);
        state.range = b.dataset.range;
        loadOverview().catch((e) => showBanner(e.message));
      });
    }
    $('#filters').addEventListener('submit', (ev) => {
      ev.preventDefault();
      const filters = Object.fromEntries(new FormData(ev.target).entries());
      if (filters.status && !/^\d{1,3}$/.test(filters.status.trim())) {
        const err = $('#filter-error');
        err.hidden = false;
        err.textContent = 'status must be an HTTP status (a number such as 200 or 429), not \'' + filters.status + '\'';
        return;
      }
      state.filters = filters;
      loadFeed();
    });
    $('#filters').addEventListener('reset', () => { state.filters = {}; setTimeout(loadFeed, 0); });
    $('#drill-close').addEventListener('click', closeTrail);
    $('#drill').addEventListener('click', (ev) => { if (ev.target.id === 'drill') closeTrail(); });
    document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') closeTrail(); });
    refresh();
    loadFeed();
    setInterval(refresh, 5000);
  });
})();
