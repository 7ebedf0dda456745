/**
 * Admin page: edit a prompt template as a draft, preview it, run the evaluation (progress and
 * per-case diff against the published version), publish and roll back with a confirmation.
 * Everything shown goes through textContent: template text and results are never HTML.
 */

/** @type {string | undefined} */
let token;
/** @type {{ name: string, placeholders: { required: string[], optional: string[] }, publishedVersion: number | null, versions: any[] }[]} */
let templates = [];
/** The version in the editor. @type {any} */
let current;

const $ = (/** @type {string} */ id) => /** @type {any} */ (document.getElementById(id));

async function api(path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, {
    method: opts.method ?? 'GET',
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    credentials: 'omit',
    cache: 'no-store',
  });
  let body;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  return { ok: res.ok, status: res.status, body };
}

function say(text, kind = 'info') {
  const el = $('admin-message');
  el.textContent = text;
  el.dataset.kind = kind;
}

function errorText(r) {
  return r.body?.error?.message ?? `The request failed (HTTP ${r.status}).`;
}

// ---------- sign in ----------

async function init() {
  const config = await api('/v1/config');
  if (config.body?.devSignIn) $('admin-sign-in').hidden = false;
  $('admin-sign-in-button').addEventListener('click', signIn);
  $('template-picker').addEventListener('change', () => loadTemplates($('template-picker').value));
  $('system-text').addEventListener('input', renderPlaceholders);
  $('body-text').addEventListener('input', renderPlaceholders);
  $('save-draft').addEventListener('click', saveDraft);
  $('eval-button').addEventListener('click', runEvaluation);
  $('publish-button').addEventListener('click', publish);
  $('rollback-button').addEventListener('click', rollback);
  $('preview-form').addEventListener('submit', (e) => {
    e.preventDefault();
    preview();
  });
}

async function signIn() {
  const r = await api('/dev/token', { method: 'POST', body: { personId: '1000000001-01', role: 'admin' } });
  if (!r.ok) return say(errorText(r), 'error');
  token = r.body.token;
  const list = await api('/v1/admin/templates');
  if (!list.ok) return say(errorText(list), 'error');
  $('admin-sign-in').hidden = true;
  $('admin-signed-in').textContent = 'Signed in as a dev admin';
  $('admin-workspace').hidden = false;
  await loadTemplates('sql');
}

// ---------- versions and editor ----------

async function loadTemplates(name, version) {
  const r = await api('/v1/admin/templates');
  if (!r.ok) return say(errorText(r), 'error');
  templates = r.body.templates;
  const t = templates.find((x) => x.name === name);
  if (!t) return;
  $('template-picker').value = name;
  await openVersion(name, version ?? t.publishedVersion ?? t.versions[0]?.version);
  await loadHistory(name);
}

function renderVersions() {
  const t = templates.find((x) => x.name === current?.name);
  const list = $('version-list');
  list.replaceChildren();
  for (const v of t?.versions ?? []) {
    const li = document.createElement('li');
    li.dataset.version = String(v.version);
    li.dataset.status = v.status;
    if (v.version === current?.version) li.setAttribute('aria-current', 'true');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = `v${v.version} · ${v.status}${v.evalResult ? ` · eval ${pct(v.evalResult.accuracy)}` : ''}`;
    b.addEventListener('click', () => openVersion(v.name, v.version));
    const note = document.createElement('span');
    note.textContent = v.changeNote ? ` — ${v.changeNote}` : '';
    li.append(b, note);
    list.append(li);
  }
}

async function openVersion(name, version) {
  if (version === undefined) return;
  const r = await api(`/v1/admin/templates/${name}/versions/${version}`);
  if (!r.ok) return say(errorText(r), 'error');
  current = r.body;
  $('system-text').value = current.system;
  $('body-text').value = current.body;
  $('change-note').value = '';
  $('editing-label').textContent = `${name} v${version} (${current.status})`;
  $('publish-button').disabled = current.status !== 'draft';
  $('eval-button').disabled = current.status !== 'draft';
  $('rollback-button').disabled = current.status !== 'archived';
  renderVersions();
  renderPlaceholders();
}

/** Declared placeholders found / missing, and any unknown ones, for the text in the editor. */
function renderPlaceholders() {
  const t = templates.find((x) => x.name === current?.name);
  if (!t) return;
  const text = `${$('system-text').value}\n${$('body-text').value}`;
  const used = new Set([...text.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1]));
  const list = $('placeholder-list');
  list.replaceChildren();
  const add = (name, state, label) => {
    const li = document.createElement('li');
    li.dataset.state = state;
    li.dataset.placeholder = name;
    li.textContent = `{{${name}}} ${label}`;
    list.append(li);
  };
  for (const p of t.placeholders.required) add(p, used.has(p) ? 'found' : 'missing', used.has(p) ? '✓' : 'missing');
  for (const p of t.placeholders.optional) add(p, used.has(p) ? 'found' : 'optional', used.has(p) ? '✓' : '(optional)');
  const known = new Set([...t.placeholders.required, ...t.placeholders.optional]);
  for (const p of used) if (!known.has(p)) add(p, 'unknown', 'unknown');
}

async function saveDraft() {
  const text = { system: $('system-text').value, body: $('body-text').value, changeNote: $('change-note').value };
  const r =
    current?.status === 'draft'
      ? await api(`/v1/admin/templates/${current.name}/versions/${current.version}`, { method: 'PUT', body: text })
      : await api(`/v1/admin/templates/${current.name}/drafts`, { method: 'POST', body: text });
  if (!r.ok) return say(errorText(r), 'error');
  say(`Saved draft v${r.body.version}.`);
  await loadTemplates(r.body.name, r.body.version);
}

// ---------- preview ----------

async function preview() {
  const r = await api(`/v1/admin/templates/${current.name}/versions/${current.version}/preview`, {
    method: 'POST',
    body: { member: $('preview-member').value.trim(), question: $('preview-question').value },
  });
  if (!r.ok) return say(errorText(r), 'error');
  const p = r.body;
  const verdict = $('preview-verdict');
  if (current.name === 'sql') {
    verdict.dataset.ok = String(p.validation.ok);
    verdict.textContent = p.validation.ok ? 'The validator accepts this SQL.' : `No usable SQL: ${p.validation.code}`;
    $('preview-sql').textContent = p.sql ?? p.reply;
    $('preview-prompt').textContent = `${p.system}\n\n${p.prompt}`;
  } else {
    verdict.dataset.ok = String(p.status === 'answered');
    verdict.textContent = `Outcome: ${p.status} (${p.code})`;
    $('preview-sql').textContent = p.answer;
    $('preview-prompt').textContent = p.sql ?? '';
  }
}

// ---------- evaluation ----------

const pct = (x) => `${(x * 100).toFixed(1)}%`;

async function runEvaluation() {
  // Set before the first await, so nobody reads the previous run's result as this one's.
  $('eval-summary').dataset.state = 'running';
  $('eval-summary').textContent = '';
  const r = await api(`/v1/admin/templates/${current.name}/versions/${current.version}/eval`, { method: 'POST' });
  if (!r.ok) {
    $('eval-summary').dataset.state = 'failed';
    return say(errorText(r), 'error');
  }
  const { name, version } = current;
  $('eval-button').disabled = true;
  $('eval-summary').textContent = '';
  $('eval-cases').tBodies[0].replaceChildren();
  let job;
  for (;;) {
    const poll = await api(`/v1/admin/eval/${r.body.jobId}`);
    if (!poll.ok) return say(errorText(poll), 'error');
    job = poll.body;
    $('eval-progress').max = job.total;
    $('eval-progress').value = job.done;
    $('eval-status').textContent =
      job.state === 'running'
        ? `${job.phase === 'baseline' ? 'Scoring the published version' : 'Evaluating the draft'}: ${job.done} of ${job.total}`
        : job.state === 'done'
          ? `Done: ${job.done} of ${job.total}`
          : 'The evaluation failed.';
    if (job.state !== 'running') break;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  renderCases(job.cases);
  $('eval-summary').dataset.state = job.state;
  if (job.summary) {
    const s = job.summary;
    $('eval-summary').dataset.passed = String(s.passed);
    $('eval-summary').textContent =
      `${s.passed ? 'Passed' : 'Did not pass'}: accuracy ${pct(s.accuracy)} (execution ${pct(s.executionAccuracy)}, refusals ${pct(s.refusalAccuracy)}); ` +
      `published v${s.publishedVersion ?? '–'}: ${s.publishedAccuracy === null ? '–' : pct(s.publishedAccuracy)}; needed ${pct(s.threshold)}.`;
  }
  await loadTemplates(name, version);
}

function renderCases(cases) {
  const body = $('eval-cases').tBodies[0];
  body.replaceChildren();
  const outcome = (o) => (o ? `${o.passed ? 'pass' : 'FAIL'} (${o.got}${o.why ? `: ${o.why}` : ''})` : '–');
  for (const c of cases) {
    const tr = document.createElement('tr');
    tr.dataset.change = c.change;
    tr.dataset.caseId = c.id;
    for (const text of [`${c.id}: ${c.question}`, c.expected, outcome(c.draft), outcome(c.published), c.change]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
}

// ---------- publish and rollback ----------

/** Resolves true when the admin confirms in the dialog. */
function confirmAction(text) {
  const dialog = $('confirm-dialog');
  $('confirm-text').textContent = text;
  dialog.showModal();
  return new Promise((resolve) => {
    const done = (answer) => {
      $('confirm-yes').removeEventListener('click', yes);
      $('confirm-no').removeEventListener('click', no);
      dialog.close();
      resolve(answer);
    };
    const yes = () => done(true);
    const no = () => done(false);
    $('confirm-yes').addEventListener('click', yes);
    $('confirm-no').addEventListener('click', no);
  });
}

async function publish() {
  const { name, version } = current;
  if (!(await confirmAction(`Publish ${name} v${version}? Every member's next question will use it.`))) return;
  const r = await api(`/v1/admin/templates/${name}/versions/${version}/publish`, {
    method: 'POST',
    body: { note: $('change-note').value },
  });
  if (!r.ok) return say(`Publishing refused: ${errorText(r)}`, 'error');
  say(`Published ${name} v${version}.`);
  await loadTemplates(name, version);
}

async function rollback() {
  const { name, version } = current;
  if (!(await confirmAction(`Roll back ${name} to v${version}? It replaces the published version now.`))) return;
  const r = await api(`/v1/admin/templates/${name}/rollback`, { method: 'POST', body: { version, note: 'rollback' } });
  if (!r.ok) return say(`Rollback refused: ${errorText(r)}`, 'error');
  say(`Rolled back ${name} to v${version}.`);
  await loadTemplates(name, version);
}

async function loadHistory(name) {
  const r = await api(`/v1/admin/history?name=${encodeURIComponent(name)}`);
  if (!r.ok) return;
  const list = $('history-list');
  list.replaceChildren();
  for (const e of r.body.events.slice(0, 30)) {
    const li = document.createElement('li');
    li.textContent = `${e.at.slice(0, 19).replace('T', ' ')} · ${e.action} v${e.version} by ${e.actor}${e.note ? ` — ${e.note}` : ''}`;
    list.append(li);
  }
}

init();
