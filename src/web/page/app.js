// The page of `nslab web`. It holds no state of its own that matters: the lab's state comes
// from the server over /events after every change (so two tabs show the same lab), and every
// change is a POST the server runs one at a time. Text from the server goes in as text.

const token = document.body.dataset.token;
const $ = (id) => document.getElementById(id);
const el = (tag, props = {}, ...children) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') e.className = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c);
  return e;
};

let state;
const terms = new Map();
// The page's words in the language nslab web speaks (locales/<lang>.json, sent by the server).
let words = {};
const w = (text) => words[text] ?? text;
const fill = (text, values) => text.replace(/\{\{(\d+)\}\}/g, (_, i) => String(values[Number(i)]));

async function api(method, path, body) {
  const res = await fetch(path, {
    method,
    headers: { 'x-nslab-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = await res.json().catch(() => ({ error: `${res.status} ${res.statusText}` }));
  if (!res.ok) {
    showError(data);
    throw Object.assign(new Error(data.error), { status: res.status });
  }
  showError(undefined);
  return data;
}

function showError(e) {
  const box = $('error');
  box.hidden = !e;
  box.textContent = e ? `${e.error}${e.hint ? `\nhint: ${e.hint}` : ''}` : '';
}

// Text wrapped for the terminal (a lone newline) is wrapped here by the browser; blank lines stay.
const unwrap = (text) => text.replace(/(?<!\n)\n(?!\n)/g, ' ');

const wsUrl = (path, extra = '') => `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${path}?token=${encodeURIComponent(token)}${extra}`;

function connectEvents() {
  const ws = new WebSocket(wsUrl('/events'));
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === 'state') render(msg.state);
    else if (msg.type === 'progress') progress(msg.progress);
  };
  // The server went away (nslab web stopped): say so, and try again now and then.
  ws.onclose = () => {
    $('standing').textContent = w('disconnected');
    setTimeout(connectEvents, 2000);
  };
}

function progress(p) {
  $('progress').hidden = false;
  $('progress-fill').style.width = `${p.total ? Math.round((100 * p.done) / p.total) : 100}%`;
  $('progress-line').textContent = `${fill(w('step {{0}} ({{1}})'), [p.step, p.title])}: ${p.done}/${p.total}  ${p.line}`;
}

function outcomeRows(outcomes) {
  return outcomes.map((o) =>
    el('tr', { class: o.pass ? 'pass' : 'fail', dataset: { pass: String(o.pass) } }, el('td', { class: 'mark' }, o.pass ? '✓' : '✗'), el('td', { class: 'title' }, o.title, o.expect === 'fail' ? el('small', { class: 'expect' }, ` (${w('must not get through')})`) : null), el('td', { class: 'detail' }, o.detail)),
  );
}

function render(s) {
  state = s;
  document.title = `nslab: ${s.title}`;
  $('title').textContent = s.number ? fill(w('Lab {{0}}: {{1}}'), [s.number, s.title]) : s.title;
  $('article').textContent = s.article ? `${w('Rebuilds:')} ${unwrap(s.article)}` : '';
  const badge = $('standing');
  badge.textContent = s.busy ? `${s.busy}…` : s.at === 0 ? w('not built') : fill(w('at step {{0}} of {{1}}'), [s.at, s.steps.length]);
  badge.classList.toggle('busy', Boolean(s.busy));
  document.body.dataset.busy = s.busy ? 'yes' : 'no';
  document.body.dataset.at = String(s.at);
  if (!s.busy) $('progress').hidden = true;
  if (s.error) showError(s.error);
  $('lab-choice').value = s.lab;
  $('lab-choice').disabled = Boolean(s.busy) || s.at > 0;
  $('verify').disabled = Boolean(s.busy) || s.at === 0;
  $('down').disabled = Boolean(s.busy) || s.at === 0;
  renderSteps(s);
  $('checks-at').textContent = s.at ? fill(w('(what holds at step {{0}}, by packets)'), [s.at]) : '';
  $('checks').tBodies[0].replaceChildren(...outcomeRows(s.outcomes));
  $('lab-trace').hidden = !s.labTrace;
  $('lab-trace').textContent = s.labTrace ?? '';
  const pic = $('picture');
  if (s.svg) pic.innerHTML = s.svg;
  else pic.replaceChildren(el('p', { class: 'empty' }, w('Nothing is built yet: press "Stop here" or "Run" on a step.')));
  renderTraceChoices(s);
  renderTermTabs(s);
}

function renderSteps(s) {
  const list = $('steps');
  list.replaceChildren(
    ...s.steps.map((st) => {
      const report = s.reports.find((r) => r.step === st.n);
      const cls = st.n <= s.at ? 'done' : st.n === s.at + 1 ? 'current' : 'todo';
      const act = (action) => () => api('POST', `/api/steps/${st.n}/${action}`).catch(() => {});
      const busy = Boolean(s.busy);
      return el(
        'li',
        { class: `step ${cls}`, dataset: { step: String(st.n) } },
        el('h3', {}, `${fill(w('Step {{0}}: {{1}}'), [st.n, st.title])}${st.breaks ? ` (${w('breaks something')})` : ''}`),
        el('p', { class: 'why' }, unwrap(st.why)),
        ...st.docker.map((d) => el('div', { class: 'docker' }, `docker: ${d}`)),
        st.commands.length ? el('pre', { class: 'commands' }, st.commands.join('\n')) : el('p', { class: 'empty' }, w('(no commands: this step only looks)')),
        el(
          'div',
          { class: 'actions' },
          el('button', { type: 'button', 'data-act': 'run', onclick: act('run'), ...(busy ? { disabled: '' } : {}) }, w('Run')),
          el('button', { type: 'button', 'data-act': 'stop', onclick: act('stop'), ...(busy ? { disabled: '' } : {}) }, w('Stop here')),
          el('button', { type: 'button', 'data-act': 'rewind', onclick: act('rewind'), ...(busy || st.n > s.at ? { disabled: '' } : {}) }, w('Rewind to here')),
        ),
        report && report.outcomes.length ? el('table', { class: 'step-checks' }, el('tbody', {}, ...outcomeRows(report.outcomes))) : null,
        report && report.looks ? el('pre', { class: 'looks' }, report.looks.map((l) => `$ ${l.command}\n${l.output}`).join('\n\n')) : null,
        report && report.why ? el('pre', { class: 'why-out' }, report.why) : null,
      );
    }),
  );
}

function renderTraceChoices(s) {
  const from = $('trace-from');
  const was = from.value;
  from.replaceChildren(...s.nodes.map((n) => el('option', { value: n }, n)));
  if (s.nodes.includes(was)) from.value = was;
  $('trace-targets').replaceChildren(...s.nodes.map((n) => el('option', { value: n })));
}

$('trace-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const out = $('trace-out');
  out.hidden = false;
  out.textContent = w('tracing…');
  try {
    const r = await api('POST', '/api/trace', { from: $('trace-from').value, to: $('trace-to').value.trim(), port: $('trace-port').value || undefined });
    out.textContent = r.text;
    $('trace-picture').innerHTML = r.svg;
    document.body.dataset.traced = r.result.arrived ? 'arrived' : 'lost';
  } catch (err) {
    out.textContent = `(${w('the trace could not run:')} ${err.message})`;
  }
});

function renderTermTabs(s) {
  const tabs = $('term-tabs');
  const names = [...s.nodes, ...[...terms.keys()].filter((k) => k.startsWith('exercise:'))];
  tabs.replaceChildren(
    ...names.map((n) => el('button', { type: 'button', class: terms.has(n) ? 'open' : '', dataset: { node: n }, onclick: () => openTerm(n) }, terms.has(n) ? `${n} ✕` : n)),
  );
}

/** A terminal into a node: xterm.js here, a shell in its namespace there. A second click closes it. */
function openTerm(node) {
  if (terms.has(node)) {
    terms.get(node).close();
    return;
  }
  const box = el('div', { class: 'term', dataset: { node } });
  $('terms').append(box);
  const term = new Terminal({ fontSize: 13, convertEol: false, cursorBlink: true });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  term.open(box);
  fit.fit();
  const ws = new WebSocket(wsUrl(`/terminal/${encodeURIComponent(node)}`, `&cols=${term.cols}&rows=${term.rows}`));
  ws.onmessage = (m) => term.write(m.data);
  ws.onclose = (e) => {
    if (e.code >= 4000) term.write(`\r\n[${e.reason || 'closed'}]\r\n`);
    box.dataset.closed = 'yes';
  };
  term.onData((data) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'input', data })));
  term.onResize(({ cols, rows }) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ type: 'resize', cols, rows })));
  terms.set(node, {
    term,
    close: () => {
      ws.close();
      term.dispose();
      box.remove();
      terms.delete(node);
      if (state) renderTermTabs(state);
    },
  });
  if (state) renderTermTabs(state);
  term.focus();
}

function renderExercises(list) {
  $('exercises').replaceChildren(
    ...list.map((ex) => {
      const out = el('div', { class: 'ex-out' });
      const act = (action) => async () => {
        out.replaceChildren(el('p', { class: 'empty' }, '…'));
        try {
          const r = await api('POST', `/api/exercises/${ex.id}/${action}`);
          out.replaceChildren(...exerciseResult(r, action));
        } catch (err) {
          out.replaceChildren(el('p', { class: 'empty' }, err.message));
        }
      };
      return el(
        'div',
        { class: 'exercise', dataset: { exercise: ex.id } },
        el('strong', {}, fill(w('Exercise {{0}}: {{1}}'), [ex.id, ex.title])),
        el(
          'div',
          { class: 'actions' },
          el('button', { type: 'button', 'data-act': 'start', onclick: act('start') }, w('Start')),
          el('button', { type: 'button', 'data-act': 'check', onclick: act('check') }, w('Check')),
          el('button', { type: 'button', 'data-act': 'hint', onclick: act('hint') }, w('Next hint')),
          el('button', { type: 'button', 'data-act': 'reset', onclick: act('reset') }, w('Reset')),
          el('button', { type: 'button', onclick: () => openTerm(`exercise:${ex.id}`) }, w('Shell')),
        ),
        out,
      );
    }),
  );
}

function exerciseResult(r, action) {
  if (action === 'start') return [el('p', { class: 'task' }, r.task)];
  if (action === 'reset') return [el('p', {}, `${w('removed:')} ${r.removed.join(', ') || w('nothing')}`)];
  const rows = r.findings.map((f) =>
    el('tr', { class: f.pass ? 'pass' : 'fail', dataset: { pass: String(f.pass) } }, el('td', { class: 'mark' }, f.pass ? '✓' : '✗'), el('td', {}, f.requirement, ...f.hints.map((h) => el('div', { class: 'hint' }, h))), el('td', { class: 'detail' }, f.detail)),
  );
  const left = r.findings.reduce((n, f) => n + f.hintsLeft, 0);
  return [el('table', {}, el('tbody', {}, ...rows)), el('p', {}, r.pass ? w('Every requirement is met.') : fill(w('{{0}} hints not shown yet: "Next hint" reveals one.'), [left]))];
}

$('verify').addEventListener('click', () => api('POST', '/api/verify').catch(() => {}));
$('down').addEventListener('click', () => api('POST', '/api/down').catch(() => {}));
$('lab-choice').addEventListener('change', (e) => api('POST', '/api/lab', { lab: e.target.value }).catch(() => state && ($('lab-choice').value = state.lab)));

const { labs, exercises, words: said } = await api('GET', '/api/labs');
words = said;
for (const e of document.querySelectorAll('[data-say]')) e.textContent = w(e.dataset.say);
$('trace-to').placeholder = w('c2 or 203.0.113.10');
$('trace-port').placeholder = w('ping');
$('lab-choice').replaceChildren(...labs.map((l) => el('option', { value: l.id }, `${l.number ? `${l.number}. ` : ''}${l.id}`)));
renderExercises(exercises);
render(await api('GET', '/api/state'));
connectEvents();
document.body.dataset.ready = 'yes';
