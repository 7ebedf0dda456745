// @ts-check
/**
 * Admin page: edit a prompt template as a draft, preview it, run the evaluation (progress and
 * per-case diff against the published version), publish and roll back with a confirmation.
 * Everything shown goes through textContent: template text and results are never HTML.
 */
import { api, errorMessage, onUnauthorized, setToken } from './api.js';
import { createSession, loadPageConfig } from './auth.js';
import { LIMITS } from './limits.js';

/** @import { ApiResult } from './api.js' */
/** @import { SessionState } from './auth.js' */
/** @typedef {'sql' | 'summary'} TemplateName */
/** @typedef {'draft' | 'published' | 'archived'} VersionStatus */

/**
 * A stored template version (`GET /v1/admin/templates`, list entries).
 * @typedef {object} TemplateVersion
 * @property {TemplateName} name
 * @property {number} version
 * @property {VersionStatus} status
 * @property {string} system
 * @property {string} body
 * @property {string} changeNote
 * @property {{ accuracy: number } | null} evalResult
 */

/**
 * One template with its placeholder rules and versions (`GET /v1/admin/templates`).
 * @typedef {object} TemplateEntry
 * @property {TemplateName} name
 * @property {{ required: string[], optional: string[] }} placeholders
 * @property {number | null} publishedVersion
 * @property {TemplateVersion[]} versions
 */

/** @typedef {{ templates: TemplateEntry[] }} TemplateList */
/** @typedef {{ jobId: string, total: number }} EvalStarted */

/**
 * `POST .../preview` of an SQL template: the rendered prompt, the model's reply, the SQL and
 * the validator's verdict.
 * @typedef {object} SqlPreview
 * @property {string} system
 * @property {string} prompt
 * @property {string} reply
 * @property {string | null} sql
 * @property {{ ok: boolean, code?: string }} validation
 */

/**
 * `POST .../preview` of a summary template: the pipeline's outcome with this version.
 * @typedef {object} SummaryPreview
 * @property {string} status
 * @property {string} code
 * @property {string} answer
 * @property {string | null} sql
 */

/** @typedef {{ passed: boolean, got: string, why?: string }} CaseOutcome */
/**
 * Members' feedback on an answer (`GET /v1/admin/feedback`): no rows, no names.
 * @typedef {object} FeedbackItem
 * @property {number} id
 * @property {boolean} helpful
 * @property {string | null} comment
 * @property {string} question
 * @property {string} status
 * @property {string} code
 * @property {string} askerRelationship
 * @property {string} at
 * @property {string | null} caseId
 */

/**
 * One evaluation case: the draft's outcome next to the published version's.
 * @typedef {object} CaseDiff
 * @property {string} id
 * @property {string} question
 * @property {string} expected
 * @property {string} [questionKind] the question kind, when the set names one
 * @property {CaseOutcome} [draft]
 * @property {CaseOutcome} [published]
 * @property {'fixed' | 'broken' | 'same'} change
 */

/**
 * @typedef {object} EvalSummary
 * @property {boolean} passed
 * @property {number} accuracy
 * @property {number} executionAccuracy
 * @property {number} refusalAccuracy
 * @property {number | null} [publishedVersion]
 * @property {number | null} publishedAccuracy
 * @property {number} threshold
 */

/**
 * An evaluation job (`GET /v1/admin/eval/{jobId}`).
 * @typedef {object} EvalJob
 * @property {'running' | 'done' | 'failed'} state
 * @property {'baseline' | 'draft' | 'done'} phase
 * @property {number} done
 * @property {number} total
 * @property {CaseDiff[]} cases
 * @property {EvalSummary} [summary]
 */

/** @typedef {{ at: string, action: string, version: number, actor: string, actorName?: string, note: string }} HistoryEvent */

/**
 * The element with this id, checked to be of the expected kind.
 * @template {HTMLElement} E
 * @param {string} id
 * @param {{ new (): E }} kind
 * @returns {E}
 */
function byId(id, kind) {
  const el = document.getElementById(id);
  if (!(el instanceof kind)) throw new Error(`#${id} is missing or not a ${kind.name}`);
  return el;
}

const els = {
  signInMessage: byId('sign-in-message', HTMLElement),
  versionsMessage: byId('versions-message', HTMLElement),
  editorMessage: byId('editor-message', HTMLElement),
  previewMessage: byId('preview-message', HTMLElement),
  evalMessage: byId('eval-message', HTMLElement),
  feedbackMessage: byId('feedback-message', HTMLElement),
  feedbackList: byId('feedback-list', HTMLOListElement),
  feedbackRefresh: byId('feedback-refresh', HTMLButtonElement),
  evalKinds: byId('eval-kinds', HTMLTableElement),
  signIn: byId('admin-sign-in', HTMLElement),
  signInButton: byId('admin-sign-in-button', HTMLButtonElement),
  signOutButton: byId('admin-sign-out-button', HTMLButtonElement),
  devNote: byId('admin-dev-note', HTMLElement),
  signedIn: byId('admin-signed-in', HTMLElement),
  workspace: byId('admin-workspace', HTMLElement),
  picker: byId('template-picker', HTMLSelectElement),
  versionList: byId('version-list', HTMLOListElement),
  editingLabel: byId('editing-label', HTMLElement),
  systemText: byId('system-text', HTMLTextAreaElement),
  bodyText: byId('body-text', HTMLTextAreaElement),
  placeholderList: byId('placeholder-list', HTMLUListElement),
  changeNote: byId('change-note', HTMLInputElement),
  saveDraft: byId('save-draft', HTMLButtonElement),
  evalButton: byId('eval-button', HTMLButtonElement),
  publishButton: byId('publish-button', HTMLButtonElement),
  rollbackButton: byId('rollback-button', HTMLButtonElement),
  previewForm: byId('preview-form', HTMLFormElement),
  previewMember: byId('preview-member', HTMLInputElement),
  previewQuestion: byId('preview-question', HTMLInputElement),
  previewVerdict: byId('preview-verdict', HTMLElement),
  previewSql: byId('preview-sql', HTMLElement),
  previewPrompt: byId('preview-prompt', HTMLElement),
  evalProgress: byId('eval-progress', HTMLProgressElement),
  evalStatus: byId('eval-status', HTMLElement),
  evalSummary: byId('eval-summary', HTMLElement),
  evalCases: byId('eval-cases', HTMLTableElement),
  historyList: byId('history-list', HTMLOListElement),
  confirmDialog: byId('confirm-dialog', HTMLDialogElement),
  confirmText: byId('confirm-text', HTMLElement),
  confirmYes: byId('confirm-yes', HTMLButtonElement),
  confirmNo: byId('confirm-no', HTMLButtonElement),
};

/** @type {TemplateEntry[]} */
let templates = [];
/** The version in the editor. @type {TemplateVersion | undefined} */
let current;

/**
 * Shows a message next to the control that caused it (each panel has its own line).
 * @param {HTMLElement} where
 * @param {string} text
 * @param {'info' | 'error'} [kind]
 */
function say(where, text, kind = 'info') {
  where.textContent = text;
  where.dataset.kind = kind;
}

/** @param {ApiResult} r */
function errorText(r) {
  return errorMessage(r.body) ?? `The request failed (HTTP ${r.status}).`;
}

/**
 * @param {unknown} value
 * @returns {value is TemplateName}
 */
function isTemplateName(value) {
  return value === 'sql' || value === 'summary';
}

// ---------- sign in ----------

async function init() {
  els.previewQuestion.maxLength = LIMITS.questionMaxChars;
  els.changeNote.maxLength = LIMITS.changeNoteMaxChars;
  els.systemText.maxLength = LIMITS.templateTextMaxChars;
  els.bodyText.maxLength = LIMITS.templateTextMaxChars;
  els.picker.addEventListener('change', () => {
    const name = els.picker.value;
    if (isTemplateName(name)) void loadTemplates(name);
  });
  els.systemText.addEventListener('input', renderPlaceholders);
  els.bodyText.addEventListener('input', renderPlaceholders);
  els.saveDraft.addEventListener('click', saveDraft);
  els.evalButton.addEventListener('click', runEvaluation);
  els.publishButton.addEventListener('click', publish);
  els.rollbackButton.addEventListener('click', rollback);
  els.previewForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void preview();
  });
  els.feedbackRefresh.addEventListener('click', () => void loadFeedback());
  await startSignIn();
}

/**
 * Sign-in through the admin app client (the admin user pool: MFA required, role admin only), with
 * the authorization-code flow and PKCE (auth.js); settings from /config.json. The tokens stay in
 * this tab's sessionStorage (a reload keeps the admin signed in); a 401 from the API forgets them.
 */
async function startSignIn() {
  const config = await loadPageConfig();
  const settings = config.signIn?.admin;
  if (!settings) {
    els.signIn.hidden = false;
    els.signInButton.disabled = true;
    return say(els.signInMessage, "Sign-in isn't available right now. Please reload the page in a moment.", 'error');
  }
  els.devNote.hidden = config.devSignIn !== true;
  const session = createSession(settings, (state) => void onSession(state));
  onUnauthorized(() => session.drop());
  els.signInButton.addEventListener('click', () => {
    els.signInButton.disabled = true;
    session.signIn().catch(() => {
      els.signInButton.disabled = false;
      say(els.signInMessage, "Sign-in isn't available right now.", 'error');
    });
  });
  els.signOutButton.addEventListener('click', () => void session.signOut());
  if (!(await session.start())) showSignedOut('');
}

/** @param {string} message */
function showSignedOut(message) {
  setToken(undefined);
  els.workspace.hidden = true;
  els.signIn.hidden = false;
  els.signInButton.disabled = false;
  els.signOutButton.hidden = true;
  els.signedIn.textContent = message;
}

/** @param {SessionState} state */
async function onSession(state) {
  if (!state.signedIn) {
    const why = {
      'signed-out': 'Signed out.',
      expired: 'Your session has ended. Please sign in again.',
      elsewhere: 'You signed out in another tab.',
      failed: "That sign-in didn't work. Please sign in again.",
    }[state.reason];
    return showSignedOut(why);
  }
  const first = els.workspace.hidden;
  setToken(state.idToken);
  if (!first) return; // a silent renewal: nothing to redraw
  /** @type {ApiResult<TemplateList>} */
  const list = await api('/v1/admin/templates');
  if (!list.ok) return say(els.signInMessage, errorText(list), 'error');
  els.signIn.hidden = true;
  els.signOutButton.hidden = false;
  const who = state.claims.name ?? state.claims.email ?? 'an admin';
  els.signedIn.textContent = `Signed in as ${who} (admin)`;
  els.workspace.hidden = false;
  await loadTemplates('sql');
  await loadFeedback();
}

// ---------- versions and editor ----------

/**
 * @param {TemplateName} name
 * @param {number} [version] default: the published one
 */
async function loadTemplates(name, version) {
  /** @type {ApiResult<TemplateList>} */
  const r = await api('/v1/admin/templates');
  if (!r.ok) return say(els.versionsMessage, errorText(r), 'error');
  templates = r.body.templates;
  const t = templates.find((x) => x.name === name);
  if (!t) return;
  els.picker.value = name;
  await openVersion(name, version ?? t.publishedVersion ?? t.versions[0]?.version);
  await loadHistory(name);
}

function renderVersions() {
  const t = templates.find((x) => x.name === current?.name);
  const list = els.versionList;
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

/**
 * @param {TemplateName} name
 * @param {number | undefined} version
 */
async function openVersion(name, version) {
  if (version === undefined) return;
  /** @type {ApiResult<TemplateVersion>} */
  const r = await api(`/v1/admin/templates/${name}/versions/${version}`);
  if (!r.ok) return say(els.versionsMessage, errorText(r), 'error');
  current = r.body;
  els.systemText.value = current.system;
  els.bodyText.value = current.body;
  els.changeNote.value = '';
  els.editingLabel.textContent = `${name} v${version} (${current.status})`;
  els.publishButton.disabled = current.status !== 'draft';
  els.evalButton.disabled = current.status !== 'draft';
  els.rollbackButton.disabled = current.status !== 'archived';
  renderVersions();
  renderPlaceholders();
}

/** Declared placeholders found / missing, and any unknown ones, for the text in the editor. */
function renderPlaceholders() {
  const t = templates.find((x) => x.name === current?.name);
  if (!t) return;
  const text = `${els.systemText.value}\n${els.bodyText.value}`;
  const used = new Set([...text.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1] ?? ''));
  const list = els.placeholderList;
  list.replaceChildren();
  /**
   * @param {string} name
   * @param {'found' | 'missing' | 'optional' | 'unknown'} state
   * @param {string} label
   */
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

/** Required placeholders the text in the editor lacks. */
function missingPlaceholders() {
  const t = templates.find((x) => x.name === current?.name);
  if (!t) return [];
  const text = `${els.systemText.value}\n${els.bodyText.value}`;
  const used = new Set([...text.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g)].map((m) => m[1] ?? ''));
  return t.placeholders.required.filter((p) => !used.has(p));
}

async function saveDraft() {
  if (!current) return;
  // A draft without a required placeholder can never be published: say so before saving it.
  const missing = missingPlaceholders();
  if (missing.length > 0) {
    const list = missing.map((p) => `{{${p}}}`).join(', ');
    say(
      els.editorMessage,
      `This draft is missing ${list}: it cannot be published until it has ${missing.length === 1 ? 'it' : 'them'}.`,
      'error',
    );
    if (
      !(await confirmAction(
        `The draft is missing ${list}, which every ${current.name} template needs. Save it anyway, as a draft to fix later?`,
      ))
    )
      return;
  }
  const text = { system: els.systemText.value, body: els.bodyText.value, changeNote: els.changeNote.value };
  /** @type {ApiResult<TemplateVersion>} */
  const r =
    current.status === 'draft'
      ? await api(`/v1/admin/templates/${current.name}/versions/${current.version}`, { method: 'PUT', body: text })
      : await api(`/v1/admin/templates/${current.name}/drafts`, { method: 'POST', body: text });
  if (!r.ok) return say(els.editorMessage, errorText(r), 'error');
  await loadTemplates(r.body.name, r.body.version);
  say(
    els.editorMessage,
    `Saved draft v${r.body.version}.${missing.length ? ' It still misses a required placeholder.' : ''}`,
  );
}

// ---------- preview ----------

async function preview() {
  if (!current) return;
  const path = `/v1/admin/templates/${current.name}/versions/${current.version}/preview`;
  const body = { member: els.previewMember.value.trim(), question: els.previewQuestion.value };
  const verdict = els.previewVerdict;
  if (current.name === 'sql') {
    /** @type {ApiResult<SqlPreview>} */
    const r = await api(path, { method: 'POST', body });
    if (!r.ok) return say(els.previewMessage, errorText(r), 'error');
    say(els.previewMessage, '');
    const p = r.body;
    verdict.dataset.ok = String(p.validation.ok);
    verdict.textContent = p.validation.ok ? 'The validator accepts this SQL.' : `No usable SQL: ${p.validation.code}`;
    els.previewSql.textContent = p.sql ?? p.reply;
    els.previewPrompt.textContent = `${p.system}\n\n${p.prompt}`;
  } else {
    /** @type {ApiResult<SummaryPreview>} */
    const r = await api(path, { method: 'POST', body });
    if (!r.ok) return say(els.previewMessage, errorText(r), 'error');
    say(els.previewMessage, '');
    const p = r.body;
    verdict.dataset.ok = String(p.status === 'answered');
    verdict.textContent = `Outcome: ${p.status} (${p.code})`;
    els.previewSql.textContent = p.answer;
    els.previewPrompt.textContent = p.sql ?? '';
  }
}

// ---------- evaluation ----------

/** @param {number} x a fraction */
const pct = (x) => `${(x * 100).toFixed(1)}%`;

async function runEvaluation() {
  if (!current) return;
  // Set before the first await, so nobody reads the previous run's result as this one's.
  els.evalSummary.dataset.state = 'running';
  els.evalSummary.textContent = '';
  const { name, version } = current;
  /** @type {ApiResult<EvalStarted>} */
  const r = await api(`/v1/admin/templates/${name}/versions/${version}/eval`, { method: 'POST' });
  if (!r.ok) {
    els.evalSummary.dataset.state = 'failed';
    return say(els.editorMessage, errorText(r), 'error');
  }
  say(els.editorMessage, 'Evaluation started: see the Evaluation panel.');
  els.evalButton.disabled = true;
  els.evalSummary.textContent = '';
  els.evalCases.tBodies[0]?.replaceChildren();
  /** @type {EvalJob} */
  let job;
  for (;;) {
    /** @type {ApiResult<EvalJob>} */
    const poll = await api(`/v1/admin/eval/${r.body.jobId}`);
    if (!poll.ok) return say(els.evalMessage, errorText(poll), 'error');
    job = poll.body;
    els.evalProgress.max = job.total;
    els.evalProgress.value = job.done;
    els.evalStatus.textContent =
      job.state === 'running'
        ? `${job.phase === 'baseline' ? 'Scoring the published version' : 'Evaluating the draft'}: ${job.done} of ${job.total}`
        : job.state === 'done'
          ? `Done: ${job.done} of ${job.total}`
          : 'The evaluation failed.';
    if (job.state !== 'running') break;
    await new Promise((ok) => setTimeout(ok, 250));
  }
  renderCases(job.cases);
  els.evalSummary.dataset.state = job.state;
  if (job.summary) {
    const s = job.summary;
    els.evalSummary.dataset.passed = String(s.passed);
    els.evalSummary.textContent =
      `${s.passed ? 'Passed' : 'Did not pass'}: accuracy ${pct(s.accuracy)} (execution ${pct(s.executionAccuracy)}, refusals ${pct(s.refusalAccuracy)}); ` +
      `published v${s.publishedVersion ?? '–'}: ${s.publishedAccuracy === null ? '–' : pct(s.publishedAccuracy)}; needed ${pct(s.threshold)}.`;
  }
  await loadTemplates(name, version);
}

/** The question kind of a case: the set's, else its id up to the first '-' ('count-self-…' → 'count'). @param {CaseDiff} c */
const kindOf = (c) => c.questionKind ?? c.id.split('-')[0] ?? 'other';

/** Failing on the draft first, then broken by it, then the rest (stable within each). @param {CaseDiff} c */
const failRank = (c) =>
  c.draft && !c.draft.passed ? 0 : c.change === 'broken' ? 1 : c.published && !c.published.passed ? 2 : 3;

/** @param {CaseDiff[]} cases */
function renderCases(cases) {
  const body = els.evalCases.tBodies[0];
  const kindsBody = els.evalKinds.tBodies[0];
  if (!body || !kindsBody) return;
  body.replaceChildren();
  /** @param {CaseOutcome | undefined} o */
  const outcome = (o) => (o ? `${o.passed ? 'pass' : 'FAIL'} (${o.got}${o.why ? `: ${o.why}` : ''})` : '–');
  const ordered = cases.map((c, i) => ({ c, i })).sort((a, b) => failRank(a.c) - failRank(b.c) || a.i - b.i);
  for (const { c } of ordered) {
    const tr = document.createElement('tr');
    tr.dataset.change = c.change;
    tr.dataset.caseId = c.id;
    tr.dataset.failing = String(Boolean(c.draft && !c.draft.passed));
    for (const text of [
      `${c.id}: ${c.question}`,
      kindOf(c),
      c.expected,
      outcome(c.draft),
      outcome(c.published),
      c.change,
    ]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  /** @type {Map<string, { draft: number, published: number, drafted: number, total: number }>} */
  const kinds = new Map();
  for (const c of cases) {
    const k = kinds.get(kindOf(c)) ?? { draft: 0, published: 0, drafted: 0, total: 0 };
    k.total += 1;
    if (c.draft) k.drafted += 1;
    if (c.draft?.passed) k.draft += 1;
    if (c.published?.passed) k.published += 1;
    kinds.set(kindOf(c), k);
  }
  const rows = [...kinds.entries()].sort(
    ([ka, a], [kb, b]) => a.draft / a.total - b.draft / b.total || ka.localeCompare(kb),
  );
  kindsBody.replaceChildren(
    ...rows.map(([kind, k]) => {
      const tr = document.createElement('tr');
      tr.dataset.kind = kind;
      tr.dataset.failing = String(k.draft < k.drafted);
      for (const text of [kind, `${k.draft} of ${k.drafted}`, `${k.published} of ${k.total}`, String(k.total)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}

// ---------- feedback ----------

async function loadFeedback() {
  /** @type {ApiResult<{ items: FeedbackItem[] }>} */
  const r = await api('/v1/admin/feedback');
  if (!r.ok) return say(els.feedbackMessage, errorText(r), 'error');
  const items = r.body.items;
  say(els.feedbackMessage, items.length ? '' : 'No feedback yet.');
  els.feedbackList.replaceChildren(...items.map(feedbackItem));
}

/** @param {FeedbackItem} f */
function feedbackItem(f) {
  const li = document.createElement('li');
  li.className = 'feedback-item';
  li.dataset.feedbackId = String(f.id);
  const head = document.createElement('p');
  head.className = 'feedback-item__head';
  head.textContent = `${f.helpful ? 'Helpful' : 'Not helpful'} · ${f.at.slice(0, 16).replace('T', ' ')} · asked by a ${f.askerRelationship} · outcome ${f.status} (${f.code})`;
  const question = document.createElement('p');
  question.textContent = `Question: ${f.question}`;
  li.append(head, question);
  if (f.comment) {
    const comment = document.createElement('p');
    comment.textContent = `Comment: ${f.comment}`;
    li.append(comment);
  }
  const actions = document.createElement('div');
  actions.className = 'admin-actions';
  const message = document.createElement('p');
  message.className = 'admin-message';
  message.setAttribute('role', 'status');
  const make = document.createElement('button');
  make.type = 'button';
  make.className = 'button button--secondary';
  make.textContent = 'Make an evaluation case';
  make.disabled = f.caseId !== null;
  if (f.caseId) say(message, `Evaluation case ${f.caseId}.`);
  make.addEventListener('click', async () => {
    make.disabled = true;
    /** @type {ApiResult<{ case: { id: string, disputed: boolean } }>} */
    const r = await api(`/v1/admin/feedback/${f.id}/case`, { method: 'POST' });
    if (!r.ok) {
      make.disabled = false;
      return say(message, errorText(r), 'error');
    }
    say(
      message,
      r.body.case.disputed
        ? `Made ${r.body.case.id}: the member found the answer unhelpful, so it is listed for review and not scored until its expected outcome is set.`
        : `Made ${r.body.case.id}: the next evaluation runs it.`,
    );
  });
  actions.append(make);
  li.append(actions, message);
  return li;
}

// ---------- publish and rollback ----------

/**
 * Resolves true when the admin confirms in the dialog.
 * @param {string} text
 * @returns {Promise<boolean>}
 */
function confirmAction(text) {
  const dialog = els.confirmDialog;
  els.confirmText.textContent = text;
  dialog.showModal();
  return new Promise((resolve) => {
    /** @param {boolean} answer */
    const done = (answer) => {
      els.confirmYes.removeEventListener('click', yes);
      els.confirmNo.removeEventListener('click', no);
      dialog.close();
      resolve(answer);
    };
    const yes = () => done(true);
    const no = () => done(false);
    els.confirmYes.addEventListener('click', yes);
    els.confirmNo.addEventListener('click', no);
  });
}

async function publish() {
  if (!current) return;
  const { name, version } = current;
  if (!(await confirmAction(`Publish ${name} v${version}? Every member's next question will use it.`))) return;
  const r = await api(`/v1/admin/templates/${name}/versions/${version}/publish`, {
    method: 'POST',
    body: { note: els.changeNote.value },
  });
  if (!r.ok) return say(els.editorMessage, `Publishing refused: ${errorText(r)}`, 'error');
  await loadTemplates(name, version);
  say(els.editorMessage, `Published ${name} v${version}.`);
}

async function rollback() {
  if (!current) return;
  const { name, version } = current;
  if (!(await confirmAction(`Roll back ${name} to v${version}? It replaces the published version now.`))) return;
  const r = await api(`/v1/admin/templates/${name}/rollback`, { method: 'POST', body: { version, note: 'rollback' } });
  if (!r.ok) return say(els.editorMessage, `Rollback refused: ${errorText(r)}`, 'error');
  await loadTemplates(name, version);
  say(els.editorMessage, `Rolled back ${name} to v${version}.`);
}

/** @param {TemplateName} name */
async function loadHistory(name) {
  /** @type {ApiResult<{ events: HistoryEvent[] }>} */
  const r = await api(`/v1/admin/history?name=${encodeURIComponent(name)}`);
  if (!r.ok) return;
  const list = els.historyList;
  list.replaceChildren();
  for (const e of r.body.events.slice(0, 30)) {
    const li = document.createElement('li');
    li.textContent = `${e.at.slice(0, 19).replace('T', ' ')} · ${e.action} v${e.version} by ${e.actorName ?? 'an admin'}${e.note ? ` — ${e.note}` : ''}`;
    list.append(li);
  }
}

void init();
