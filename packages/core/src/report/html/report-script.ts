/**
 * The report page's script, inlined: reads the report data from `<script id="report-data">`, draws the
 * charts as SVG and the tables with sorting, filtering and pages, so 10,000 calls stay a small page
 * (data as JSON, rows built only for the visible page). No libraries, no network.
 */
export const REPORT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var SVG = 'http://www.w3.org/2000/svg';
  var PALETTE = ['#3559e0', '#c2410c', '#1f9d6a', '#9333ea', '#d98a00', '#0e7490', '#be185d', '#4d7c0f'];

  function el(tag, attrs) {
    var node = document.createElement(tag);
    for (var key in attrs || {}) {
      if (key === 'text') node.textContent = attrs[key];
      else if (key === 'html') node.innerHTML = attrs[key];
      else node.setAttribute(key, attrs[key]);
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i] != null) node.append(arguments[i]);
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    for (var key in attrs || {}) node.setAttribute(key, attrs[key]);
    return node;
  }
  function pct(value) { return value == null ? '–' : Math.round(value * 100) + ' %'; }
  function num(value, digits) { return value == null ? '–' : Number(value).toLocaleString('en-US', { maximumFractionDigits: digits == null ? 1 : digits }); }
  function secs(value) {
    if (value == null) return '–';
    var whole = Math.round(value), m = Math.floor(whole / 60), s = whole % 60;
    return m + ':' + (s < 10 ? '0' : '') + s;
  }
  function words(id) { return String(id).replace(/[_-]+/g, ' '); }
  function badge(text, kind) { return el('span', { class: 'badge ' + (kind || text), text: words(text) }); }
  function pageOf(callId) { return data.pages[callId]; }
  function callLink(callId) {
    var page = pageOf(callId);
    return page ? el('a', { href: page, text: callId }) : el('span', { text: callId });
  }
  function mount(id) { return document.getElementById(id); }

  // ---- charts -------------------------------------------------------------------------------------
  function lineChart(target, labels, series, options) {
    options = options || {};
    var width = 640, height = 240, left = 44, right = 12, top = 12, bottom = 30;
    var max = options.max != null ? options.max : 0, min = options.min != null ? options.min : 0;
    if (options.max == null) series.forEach(function (s) { s.values.forEach(function (v) { if (v != null && v > max) max = v; }); });
    if (max === min) max = min + 1;
    var box = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img', 'aria-label': options.label || 'chart' });
    var x = function (i) { return left + (labels.length <= 1 ? (width - left - right) / 2 : (i * (width - left - right)) / (labels.length - 1)); };
    var y = function (v) { return top + (1 - (v - min) / (max - min)) * (height - top - bottom); };
    for (var t = 0; t <= 4; t++) {
      var value = min + ((max - min) * t) / 4;
      box.append(svg('line', { x1: left, x2: width - right, y1: y(value), y2: y(value), stroke: '#e3e7ef' }));
      var tick = svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end', 'font-size': 10, fill: '#5b6478' });
      tick.textContent = options.format ? options.format(value) : num(value, 0);
      box.append(tick);
    }
    var every = Math.max(1, Math.ceil(labels.length / 8));
    labels.forEach(function (label, i) {
      if (i % every !== 0 && i !== labels.length - 1) return;
      var text = svg('text', { x: x(i), y: height - 10, 'text-anchor': 'middle', 'font-size': 10, fill: '#5b6478' });
      text.textContent = label.slice(5);
      box.append(text);
    });
    series.forEach(function (s, index) {
      var color = s.color || PALETTE[index % PALETTE.length];
      var points = s.values.map(function (v, i) { return v == null ? null : x(i) + ',' + y(v); }).filter(Boolean);
      if (points.length > 1) box.append(svg('polyline', { points: points.join(' '), fill: 'none', stroke: color, 'stroke-width': 2 }));
      s.values.forEach(function (v, i) {
        if (v == null) return;
        var dot = svg('circle', { cx: x(i), cy: y(v), r: 3, fill: color });
        var title = svg('title', {});
        title.textContent = s.name + ', week of ' + labels[i] + ': ' + (options.format ? options.format(v) : num(v));
        dot.append(title);
        box.append(dot);
      });
    });
    var legend = el('div', { class: 'legend' });
    series.forEach(function (s, index) {
      legend.append(el('span', {}, el('i', { style: 'background:' + (s.color || PALETTE[index % PALETTE.length]) }), words(s.name)));
    });
    target.append(el('div', { class: 'chart' }, box, legend));
  }

  function barList(target, items, format) {
    if (items.length === 0) { target.append(el('p', { class: 'empty', text: 'Nothing to show.' })); return; }
    var max = Math.max.apply(null, items.map(function (item) { return item.value; })) || 1;
    items.forEach(function (item) {
      target.append(el('div', { class: 'bar-row' },
        el('span', { text: words(item.label) }),
        el('span', { class: 'track' }, el('span', { class: 'fill', style: 'display:block;width:' + (100 * item.value / max).toFixed(1) + '%;background:' + (item.color || '') })),
        el('span', { class: 'n', text: format ? format(item.value) : num(item.value, 0) })));
    });
  }

  // ---- tables -------------------------------------------------------------------------------------
  function table(target, columns, rows, options) {
    options = options || {};
    var pageSize = options.pageSize || 25, page = 0, sortKey = null, ascending = true, query = '';
    var view = rows.slice();
    var tools = el('div', { class: 'table-tools' });
    var filter = null;
    if (options.filter) {
      filter = el('input', { type: 'search', placeholder: options.filter });
      filter.addEventListener('input', function () { query = filter.value.trim().toLowerCase(); page = 0; refresh(); });
      tools.append(filter);
    }
    var head = el('tr');
    columns.forEach(function (column) {
      var th = el('th', { class: 'sortable' + (column.numeric ? ' num' : ''), text: column.label });
      th.addEventListener('click', function () {
        if (sortKey === column) ascending = !ascending; else { sortKey = column; ascending = !column.numeric; }
        page = 0; refresh();
      });
      head.append(th);
    });
    var body = el('tbody');
    var pager = el('div', { class: 'pager' });
    target.append(tools, el('table', {}, el('thead', {}, head), body), pager);
    function cellValue(column, row) { return column.value ? column.value(row) : row[column.key]; }
    function refresh() {
      view = rows.filter(function (row) {
        if (!query) return true;
        return columns.some(function (column) { var v = cellValue(column, row); return v != null && String(v).toLowerCase().indexOf(query) >= 0; });
      });
      if (sortKey) {
        var key = sortKey;
        view.sort(function (a, b) {
          var x = cellValue(key, a), y = cellValue(key, b);
          if (x == null) return 1; if (y == null) return -1;
          var order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
          return ascending ? order : -order;
        });
      }
      var pages = Math.max(1, Math.ceil(view.length / pageSize));
      if (page >= pages) page = pages - 1;
      body.replaceChildren();
      view.slice(page * pageSize, (page + 1) * pageSize).forEach(function (row) {
        var tr = el('tr');
        columns.forEach(function (column) {
          var td = el('td', { class: column.numeric ? 'num' : '' });
          var shown = column.render ? column.render(row) : column.format ? column.format(cellValue(column, row)) : cellValue(column, row);
          if (shown instanceof Node) td.append(shown); else td.textContent = shown == null ? '–' : String(shown);
          tr.append(td);
        });
        body.append(tr);
      });
      pager.replaceChildren();
      if (view.length > pageSize || query) {
        var previous = el('button', { type: 'button', text: '‹ Previous' });
        var next = el('button', { type: 'button', text: 'Next ›' });
        previous.disabled = page === 0; next.disabled = page >= pages - 1;
        previous.addEventListener('click', function () { page--; refresh(); });
        next.addEventListener('click', function () { page++; refresh(); });
        pager.append(el('span', { text: view.length.toLocaleString('en-US') + ' rows · page ' + (page + 1) + ' of ' + pages }), previous, next);
      }
    }
    refresh();
  }

  // ---- sections -----------------------------------------------------------------------------------
  var report = data.report;
  var weeks = report.period.weeks;

  (function summary() {
    var target = mount('summary-body');
    report.executiveSummary.text.split(/\n\n+/).forEach(function (paragraph) { target.append(el('p', { text: paragraph })); });
    var note = report.executiveSummary.method === 'model'
      ? 'Written by ' + report.executiveSummary.model.provider + '/' + report.executiveSummary.model.modelId + ' from the metrics below (no transcripts).'
      : 'Written from the metrics below' + (report.executiveSummary.degraded ? ' (' + report.executiveSummary.degraded + ')' : '') + '.';
    target.append(el('p', { class: 'muted small', text: note }));
    var kpis = el('div', { class: 'kpis' });
    var commitments = report.commitments;
    [
      [num(report.callCount, 0), 'calls analysed'],
      [report.averages.handleTimeSec != null ? secs(report.averages.handleTimeSec) : '–', 'average handle time'],
      [pct(report.rates.resolved), 'resolved'],
      [pct(report.rates.negativeSentiment), 'negative customers'],
      [pct(report.rates.compliancePass), 'compliance checks passed'],
      [num(report.averages.csat, 1), 'predicted CSAT (1-5)'],
      [num(commitments.callback.overdue + commitments.action.overdue, 0), 'overdue promises'],
      [num(report.alerts.length, 0), 'alerts'],
    ].forEach(function (kpi) { kpis.append(el('div', { class: 'kpi' }, el('div', { class: 'v', text: kpi[0] }), el('div', { class: 'l', text: kpi[1] }))); });
    target.append(kpis);
  })();

  (function alerts() {
    var target = mount('alerts-body');
    if (report.alerts.length === 0) { target.append(el('p', { class: 'empty', text: 'No alert fired.' })); return; }
    var list = el('ul', { class: 'alerts' });
    report.alerts.forEach(function (alert) {
      var calls = el('div', { class: 'calls' });
      calls.append('Calls: ');
      alert.callIds.slice(0, 12).forEach(function (id, index) { if (index) calls.append(', '); calls.append(callLink(id)); });
      if (alert.callCount > 12) calls.append(' and ' + (alert.callCount - 12).toLocaleString('en-US') + ' more');
      list.append(el('li', { class: 'alert' }, badge(alert.severity), ' ', el('strong', { text: words(alert.kind) }), ' — ', alert.message, alert.callCount ? calls : null));
    });
    target.append(list);
  })();

  (function trends() {
    var target = mount('trends-body');
    if (weeks.length < 2) {
      target.append(el('p', { class: 'muted', text: weeks.length === 1 ? 'All dated calls fall in one week: trends need at least two.' : 'The calls carry no dates (metadata.startedAt), so there are no weekly trends; totals below.' }));
    } else {
      var grid = el('div', { class: 'grid two' });
      var volume = el('div', {}, el('h3', { text: 'Calls per week, main topics' }));
      lineChart(volume, weeks, report.topics.slice(0, 6).map(function (topic) { return { name: topic.topicId, values: topic.weekly.map(function (w) { return w.calls; }) }; }), { label: 'calls per week by topic' });
      var mood = el('div', {}, el('h3', { text: 'Negative customers per week' }));
      lineChart(mood, weeks, [{ name: 'negative share', color: '#d6453d', values: report.sentiment.weekly.map(function (w) { return w.calls > w.unknown ? w.negativeShare : null; }) }], { max: 1, format: pct, label: 'negative share per week' });
      grid.append(volume, mood);
      target.append(grid);
    }
    var totals = el('div', { class: 'grid two' });
    var topics = el('div', {}, el('h3', { text: 'Calls by topic' }));
    barList(topics, report.topics.slice(0, 12).map(function (t) { return { label: t.topicId, value: t.calls }; }));
    var sentiment = el('div', {}, el('h3', { text: 'Customer sentiment' }));
    var colors = { positive: '#1f9d6a', neutral: '#8a93a8', mixed: '#d98a00', negative: '#d6453d' };
    barList(sentiment, ['positive', 'neutral', 'mixed', 'negative'].map(function (label) { return { label: label, value: report.sentiment.distribution[label], color: colors[label] }; }));
    totals.append(topics, sentiment);
    target.append(totals);
  })();

  table(mount('topics-body'), [
    { label: 'Topic', key: 'topicId', format: words },
    { label: 'Calls', key: 'calls', numeric: true, format: function (v) { return num(v, 0); } },
    { label: 'Share', key: 'share', numeric: true, format: pct },
    { label: 'This week', numeric: true, value: function (t) { return t.growth ? t.growth.calls : null; }, format: function (v) { return num(v, 0); } },
    { label: 'Week before', numeric: true, value: function (t) { return t.growth ? t.growth.previousCalls : null; }, format: function (v) { return num(v, 0); } },
    { label: 'Share change', numeric: true, value: function (t) { return t.growth ? t.growth.shareChange : null; }, render: function (t) { return !t.growth ? '–' : t.growth.shareChange == null ? 'new' : (t.growth.shareChange >= 0 ? '+' : '') + Math.round(t.growth.shareChange * 100) + ' %'; } },
    { label: 'q-value', numeric: true, value: function (t) { return t.growth ? t.growth.qValue : null; }, render: function (t) { if (!t.growth) return '–'; var q = t.growth.qValue; return el('span', { style: q < 0.05 ? 'font-weight:600;color:#d6453d' : '', text: q < 0.001 ? '< 0.001' : q.toFixed(3) }); } },
    { label: 'Resolved', key: 'resolutionRate', numeric: true, format: pct },
    { label: 'Avg handle time', key: 'averageHandleTimeSec', numeric: true, format: secs },
    { label: 'Negative', key: 'negativeShare', numeric: true, format: pct },
    { label: 'Avg escalation risk', key: 'averageEscalationRisk', numeric: true, format: function (v) { return num(v, 0); } },
  ], report.topics, { pageSize: 15 });

  table(mount('agents-body'), [
    { label: 'Agent', key: 'agentId' },
    { label: 'Calls', key: 'calls', numeric: true },
    { label: 'QA (1-5)', numeric: true, value: function (a) { return a.qa.overall; }, format: function (v) { return num(v, 2); } },
    { label: 'Empathy', numeric: true, value: function (a) { return a.qa.empathy; }, format: function (v) { return num(v, 2); } },
    { label: 'Compliance', key: 'compliancePassRate', numeric: true, format: pct },
    { label: 'Talk ratio', key: 'talkRatio', numeric: true, format: pct },
    { label: 'Reply latency', key: 'responseLatencySec', numeric: true, format: function (v) { return v == null ? '–' : num(v, 1) + ' s'; } },
    { label: 'Interruptions / call', key: 'interruptionsPerCall', numeric: true, format: function (v) { return num(v, 1); } },
    { label: 'Dead air / call', key: 'deadAirSecPerCall', numeric: true, format: function (v) { return num(v, 0) + ' s'; } },
    { label: 'Mood shift', key: 'sentimentShift', numeric: true, format: function (v) { return v == null ? '–' : (v >= 0 ? '+' : '') + num(v, 2); } },
    { label: 'Resolved', key: 'resolutionRate', numeric: true, format: pct },
    { label: 'Coaching focus', value: function (a) { return a.coachingFocus.join(', '); } },
  ], report.agents, { pageSize: 15, filter: 'Filter agents' });
  if (report.agents.length === 0) mount('agents-body').prepend(el('p', { class: 'empty', text: 'No call carries an agent id (metadata.agentId).' }));

  (function compliance() {
    var target = mount('compliance-body');
    table(target, [
      { label: 'Rule', key: 'ruleId', format: words },
      { label: 'Pass rate', key: 'passRate', numeric: true, format: pct },
      { label: 'Passed', key: 'pass', numeric: true },
      { label: 'Failed', key: 'fail', numeric: true },
      { label: 'Not applicable', key: 'notApplicable', numeric: true },
    ], report.compliance.rules, { pageSize: 20 });
    if (report.compliance.byAgent.length) {
      target.append(el('h3', { text: 'By agent' }));
      table(target, [
        { label: 'Agent', key: 'agentId' },
        { label: 'Rule', key: 'ruleId', format: words },
        { label: 'Pass rate', key: 'passRate', numeric: true, format: pct },
        { label: 'Passed', key: 'pass', numeric: true },
        { label: 'Failed', key: 'fail', numeric: true },
      ], report.compliance.byAgent, { pageSize: 10, filter: 'Filter by agent or rule' });
    }
  })();

  (function commitments() {
    var target = mount('commitments-body');
    var c = report.commitments;
    var kpis = el('div', { class: 'kpis' });
    [['callback', 'Callback promises'], ['action', 'Action items']].forEach(function (kind) {
      var counts = c[kind[0]];
      kpis.append(el('div', { class: 'kpi' }, el('div', { class: 'v', text: num(counts.total, 0) }), el('div', { class: 'l', text: kind[1] + ': ' + counts.overdue + ' overdue, ' + counts.due + ' due, ' + (counts.kept + counts.keptLate) + ' kept (' + counts.keptLate + ' late), ' + counts.open + ' open' })));
    });
    target.append(kpis);
    if (c.items.length) {
      target.append(el('h3', { text: 'Owed to customers' }));
      table(target, [
        { label: 'Status', key: 'status', render: function (item) { return badge(item.status); } },
        { label: 'Kind', key: 'kind' },
        { label: 'What', key: 'text' },
        { label: 'Due', key: 'dueDate', value: function (item) { return item.dueDate || item.due; } },
        { label: 'Customer', key: 'customerId' },
        { label: 'Agent', key: 'agentId' },
        { label: 'Call', key: 'callId', render: function (item) { return callLink(item.callId); } },
        { label: 'Settled by', key: 'settledByCallId', render: function (item) { return item.settledByCallId ? callLink(item.settledByCallId) : '–'; } },
      ], c.items, { pageSize: 10, filter: 'Filter promises' });
    }
  })();

  (function escalation() {
    var target = mount('escalation-body');
    var grid = el('div', { class: 'grid two' });
    var drivers = el('div', {}, el('h3', { text: 'What drives escalation risk' }));
    barList(drivers, report.escalation.drivers.slice(0, 10).map(function (d) { return { label: d.driver, value: d.calls, color: '#d6453d' }; }), function (v) { return num(v, 0) + ' calls'; });
    var top = el('div', {}, el('h3', { text: 'Highest-risk calls' }));
    table(top, [
      { label: 'Call', key: 'callId', render: function (c) { return callLink(c.callId); } },
      { label: 'Risk', key: 'risk', numeric: true },
      { label: 'Topic', key: 'topicId', format: words },
      { label: 'Drivers', value: function (c) { return c.drivers.map(function (d) { return d.driver + ' (+' + d.impact + ')'; }).join('; '); } },
    ], report.escalation.topCalls, { pageSize: 10 });
    grid.append(drivers, top);
    target.append(grid);
  })();

  (function drivers() {
    var target = mount('drivers-body');
    var d = report.callDrivers;
    if (d.otherCalls === 0) { target.append(el('p', { class: 'empty', text: 'Every call matched a topic of the taxonomy.' })); return; }
    target.append(el('p', { class: 'muted', text: d.otherCalls + ' calls matched no topic; ' + d.clusters.length + ' groups found by the words customers used, ' + d.unclustered + ' calls in no group.' }));
    table(target, [
      { label: 'Group', key: 'name' },
      { label: 'Calls', key: 'calls', numeric: true },
      { label: 'Share of unmatched', key: 'share', numeric: true, format: pct },
      { label: 'Representative call', key: 'representativeCallId', render: function (c) { return callLink(c.representativeCallId); } },
    ], d.clusters, { pageSize: 10 });
  })();

  (function categories() {
    var target = mount('categories-body');
    if (report.categories.length === 0) { target.append(el('p', { class: 'empty', text: 'No category fired (or no category rules were given).' })); return; }
    barList(target, report.categories.map(function (c) { return { label: c.id, value: c.calls, color: '#9333ea' }; }));
  })();

  (function calls() {
    var columns = data.callColumns;
    var rows = data.calls.map(function (values) { var row = {}; columns.forEach(function (name, i) { row[name] = values[i]; }); return row; });
    table(mount('calls-body'), [
      { label: 'Call', key: 'callId', render: function (c) { return callLink(c.callId); } },
      { label: 'Started', key: 'startedAt', format: function (v) { return v ? v.slice(0, 16).replace('T', ' ') : '–'; } },
      { label: 'Agent', key: 'agentId' },
      { label: 'Topic', key: 'topicId', format: words },
      { label: 'Customer', key: 'customerSentiment', render: function (c) { return badge(c.customerSentiment); } },
      { label: 'Resolution', key: 'resolution', render: function (c) { return badge(c.resolution); } },
      { label: 'Risk', key: 'escalationRisk', numeric: true },
      { label: 'CSAT', key: 'csat', numeric: true, format: function (v) { return num(v, 1); } },
      { label: 'Duration', key: 'durationSec', numeric: true, format: function (v) { return v ? secs(v) : 'chat'; } },
      { label: 'Categories', key: 'categories' },
    ], rows, { pageSize: 25, filter: 'Filter calls (id, agent, topic, category…)' });
  })();
})();
`;
