// @ts-check
/**
 * Member chat page: ask a question, follow up on the answer, see the claims behind it.
 *
 * Identity: every API call carries `Authorization: Bearer <token>`.
 * - Local demo (`GET /v1/config` → `{ devSignIn: true }`): a "Sign in as" picker fetches a
 *   token from the local server's dev issuer (`POST /dev/token`).
 * - Production: the portal's Cognito sign-in supplies the ID token and hands it to this page
 *   through {@link setToken}; the dev picker stays hidden because the deployed config says
 *   `devSignIn: false` (and the /dev routes do not exist there).
 *
 * The session (token, who is signed in, the conversation and its messages) is kept in this tab's
 * sessionStorage (session.js), so a reload keeps the conversation; "Sign out" deletes the
 * server's copy of the conversation (`POST /v1/sign-out`) and this tab's. Follow-up questions
 * send the conversation's id; the server keeps the earlier turns (the page never sends them).
 * Answers stream in as they are written (`apiStream`), hidden from screen readers until the
 * finished answer is added to the log, which announces it once.
 *
 * Server text (answers, names, error messages) is only ever written with textContent.
 */
import { api, apiStream, errorMessage, hasToken, isRecord, requestIdOf, setToken } from './api.js';
import { isClaimsTable, renderClaimsTable } from './claims-table.js';
import { renderFeedback } from './feedback.js';
import { LIMITS } from './limits.js';
import { clearSession, loadSession, saveSession } from './session.js';

/** @import { ApiResult } from './api.js' */
/** @import { StoredMessage } from './session.js' */

const QUESTION_MAX = LIMITS.questionMaxChars;

/** Status → the short visible label (not colour alone) and the bubble's modifier class. */
const STATUS_STYLES = /** @type {const} */ ({
  answered: { label: '', className: 'bubble--answered' },
  needs_detail: { label: 'A little more detail, please', className: 'bubble--needs-detail' },
  refused: { label: "I can't help with that", className: 'bubble--refused' },
  withheld: { label: 'Private', className: 'bubble--withheld' },
  error: { label: 'Something went wrong', className: 'bubble--error' },
  // The page's own messages (sign in first, please wait, shorten the question): not failures.
  notice: { label: '', className: 'bubble--notice' },
});

/** Outcomes a member can rate. */
const RATEABLE = new Set(['answered', 'needs_detail', 'refused', 'withheld']);

const RELATIONSHIP_LABELS = /** @type {Record<string, string>} */ ({
  subscriber: 'plan holder',
  spouse: 'spouse',
  son: 'son',
  daughter: 'daughter',
  other: 'family member',
});

const MESSAGES = {
  signInAgain: 'Please sign in again.',
  signInFirst: 'Please sign in first, then ask your question.',
  network: "I couldn't reach the claims service. Please check your internet connection and try again.",
  serverTrouble: "Sorry, I couldn't look that up just now. Please try again in a moment.",
  peopleFailed: "The demo people couldn't be loaded. Please reload the page.",
  tokenFailed: "That sign-in didn't work. Please choose the person again.",
  empty: 'Please type a question first.',
  signedOut: 'You are signed out. Your conversation was deleted.',
  newConversation: 'Started a new conversation.',
  restarted: 'The earlier conversation had ended, so this question started a new one.',
};

/**
 * The text of a "please wait" notice.
 * @param {number | undefined} seconds from the Retry-After header
 */
function waitMessage(seconds) {
  if (!seconds) return "You've asked a lot of questions in a short time. Please wait a minute, then try again.";
  const when = seconds < 90 ? `${seconds} second${seconds === 1 ? '' : 's'}` : `${Math.ceil(seconds / 60)} minutes`;
  return `You've asked a lot of questions in a short time. Please wait ${when}, then try again.`;
}

/** @param {number} length */
function tooLongMessage(length) {
  const over = length - QUESTION_MAX;
  return `Your question is ${length} characters long. Questions can have up to ${QUESTION_MAX}: please shorten it by ${over} character${over === 1 ? '' : 's'}.`;
}

/** @type {{ devSignIn: boolean }} */
let config = { devSignIn: false };

/**
 * Hands the page a bearer token from the portal's sign-in (production path).
 * Passing `undefined` signs out.
 *
 * @example
 * import { setToken } from './chat.js';
 * setToken(cognitoSession.getIdToken().getJwtToken());
 */
export { setToken };

/**
 * A person of the demo picker (`GET /dev/people`).
 * @typedef {{ personId: string, name: string, relationship: string }} DevPerson
 */
/** @typedef {{ memberId: string, people?: DevPerson[] }} DevFamily */

/**
 * What `POST /v1/ask` answers (also with a 5xx when the pipeline failed).
 * @typedef {{ status: Exclude<keyof typeof STATUS_STYLES, 'notice'>, answer: string, requestId?: string, table?: unknown, conversationId?: string, conversationRestarted?: boolean, interpretation?: { text?: unknown } }} AskBody
 */

/** @param {string} id */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

const els = {
  devSignIn: byId('dev-sign-in'),
  signInForm: /** @type {HTMLFormElement} */ (byId('sign-in-form')),
  picker: /** @type {HTMLSelectElement} */ (byId('person-picker')),
  signInButton: /** @type {HTMLButtonElement} */ (byId('sign-in-button')),
  signedInAs: byId('signed-in-as'),
  sessionActions: byId('session-actions'),
  newConversation: /** @type {HTMLButtonElement} */ (byId('new-conversation')),
  signOut: /** @type {HTMLButtonElement} */ (byId('sign-out')),
  log: byId('chat-log'),
  examples: byId('examples'),
  askForm: /** @type {HTMLFormElement} */ (byId('ask-form')),
  question: /** @type {HTMLTextAreaElement} */ (byId('question')),
  questionMax: byId('question-max'),
  limit: byId('question-limit'),
  counter: byId('question-counter'),
  send: /** @type {HTMLButtonElement} */ (byId('send-button')),
  chips: /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('.chip')),
};

/** Set while a question is in flight: one question at a time. */
let busy = false;

/**
 * Who is signed in, the server's id for this conversation (follow-ups are resolved against its
 * earlier turns, which the server keeps) and what the page shows. Saved for a reload.
 * @type {{ token?: string, person?: { name: string, relationship: string }, conversationId?: string, messages: StoredMessage[] }}
 */
const state = { messages: [] };

function persist() {
  if (!state.token || !state.person) return;
  saveSession({
    token: state.token,
    person: state.person,
    ...(state.conversationId ? { conversationId: state.conversationId } : {}),
    messages: state.messages,
  });
}

// ---------- chat log ----------

/**
 * Adds one message to the conversation (and to the saved session), and keeps it in view.
 * @param {StoredMessage} msg
 * @param {{ restoring?: boolean }} [opts]
 */
function addMessage(msg, opts = {}) {
  if (!opts.restoring && (msg.who === 'member' || msg.status !== 'notice')) {
    state.messages.push(msg);
    persist();
  }
  const item = document.createElement('div');
  item.className = `bubble bubble--${msg.who}`;
  if (msg.who === 'assistant' && msg.status) {
    const status = /** @type {keyof typeof STATUS_STYLES} */ (
      Object.hasOwn(STATUS_STYLES, msg.status) ? msg.status : 'error'
    );
    const style = STATUS_STYLES[status];
    item.classList.add(style.className);
    item.dataset.status = status;
    const labelText = msg.label ?? style.label;
    if (labelText) {
      const label = document.createElement('p');
      label.className = 'bubble__label';
      label.textContent = labelText;
      item.append(label);
    }
  }

  const speaker = document.createElement('p');
  speaker.className = 'visually-hidden';
  speaker.textContent = msg.who === 'member' ? 'You asked:' : 'Answer:';

  const text = document.createElement('p');
  text.className = 'bubble__text';
  text.textContent = msg.text;
  item.prepend(speaker);
  item.append(text);

  // "What I looked up", derived by the server from the SQL that ran: the member checks it at a glance.
  if (msg.interpretation) {
    const looked = document.createElement('p');
    looked.className = 'bubble__interpretation';
    looked.textContent = msg.interpretation;
    item.append(looked);
  }

  // The rows the answer was built from, as a table the member can open.
  if (msg.status === 'answered' && isClaimsTable(msg.table) && msg.table.rows.length > 0) {
    item.append(renderClaimsTable(msg.table));
  }
  if (msg.who === 'assistant' && msg.requestId && msg.status && RATEABLE.has(msg.status)) {
    item.append(
      renderFeedback(msg.requestId, { given: msg.feedback, commented: msg.commented }, (fb) => {
        msg.feedback = fb.given;
        msg.commented = fb.commented;
        persist();
      }),
    );
  }
  if (msg.reference) {
    const ref = document.createElement('p');
    ref.className = 'bubble__reference';
    ref.textContent = `Reference for customer service: ${msg.reference}`;
    item.append(ref);
  }

  els.log.append(item);
  els.examples.hidden = els.log.childElementCount > 0;
  if (!opts.restoring) scrollToNewest(item);
  return item;
}

/**
 * Brings the newest message into view: its start below the header, the question box (which
 * stays at the bottom of the screen) still in view. No animation for those who asked for less motion.
 * @param {Element} item
 */
function scrollToNewest(item) {
  const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  item.scrollIntoView({ block: 'nearest', behavior: calm ? 'auto' : 'smooth' });
}

/** A notice of the page's own (not an answer, not kept in the session). @param {string} label @param {string} text */
function notice(label, text) {
  addMessage({ who: 'assistant', status: 'notice', label, text });
}

function showProgress() {
  const item = document.createElement('div');
  item.className = 'bubble bubble--assistant bubble--progress';
  item.id = 'progress';
  const spinner = document.createElement('span');
  spinner.className = 'spinner';
  spinner.setAttribute('aria-hidden', 'true');
  const text = document.createElement('span');
  text.className = 'progress__text';
  text.textContent = 'Looking up your claims…';
  item.append(spinner, text);
  els.log.append(item);
  scrollToNewest(item);
}

function hideProgress() {
  document.getElementById('progress')?.remove();
}

/** @param {string} text */
function setProgressText(text) {
  const label = document.querySelector('#progress .progress__text');
  if (label) label.textContent = text;
}

/**
 * The answer as it is being written. Hidden from screen readers (they would hear every piece):
 * the finished answer is added as a new message, which the log announces once.
 */
const draft = {
  /** @type {HTMLElement | undefined} */
  el: undefined,
  /** @param {string} text @param {boolean} replace */
  write(text, replace) {
    if (!this.el) {
      hideProgress();
      const item = document.createElement('div');
      item.className = 'bubble bubble--assistant bubble--draft';
      item.setAttribute('aria-hidden', 'true');
      const p = document.createElement('p');
      p.className = 'bubble__text';
      item.append(p);
      els.log.append(item);
      this.el = item;
    }
    const p = /** @type {HTMLElement} */ (this.el.querySelector('.bubble__text'));
    p.textContent = replace ? text : `${p.textContent ?? ''}${text}`;
    scrollToNewest(this.el);
  },
  clear() {
    this.el?.remove();
    this.el = undefined;
  },
};

/**
 * One event of a streamed answer (src/handlers/ask-stream.ts).
 * @param {Record<string, unknown>} event
 */
function onStreamEvent(event) {
  if (event.type === 'stage' && event.stage === 'summarize') setProgressText('Writing the answer…');
  if (event.type === 'delta' && typeof event.text === 'string') draft.write(event.text, false);
  if (event.type === 'replace' && typeof event.text === 'string') draft.write(event.text, true);
}

/** @param {boolean} value */
function setBusy(value) {
  busy = value;
  els.send.disabled = value;
  els.send.textContent = value ? 'Sending…' : 'Send';
  for (const chip of els.chips) chip.disabled = value;
  els.newConversation.disabled = value;
}

// ---------- asking ----------

/** @param {unknown} value @returns {value is AskBody['status']} */
function isKnownStatus(value) {
  return typeof value === 'string' && value !== 'notice' && Object.hasOwn(STATUS_STYLES, value);
}

/**
 * Sends one question and renders the outcome. Never throws.
 *
 * @example
 * await ask('How much did I spend on prescriptions this year?');
 *
 * @param {string} rawQuestion
 */
async function ask(rawQuestion) {
  const question = rawQuestion.trim();
  if (busy) return;
  if (!question) {
    addMessage({ who: 'assistant', text: MESSAGES.empty, status: 'notice', label: 'Nothing to send yet' });
    return;
  }
  if (question.length > QUESTION_MAX) {
    // Never cut silently: the member shortens it, with the count in front of them.
    showLimit();
    els.question.focus();
    return;
  }
  if (!hasToken()) {
    notice('Please sign in', MESSAGES.signInFirst);
    (config.devSignIn ? els.picker : els.question).focus();
    return;
  }

  addMessage({ who: 'member', text: question });
  els.question.value = '';
  updateCounter();
  setBusy(true);
  showProgress();
  try {
    // The answer streams in as it is written; the final event holds the whole answer.
    const r = await apiStream('/v1/ask', {
      body: state.conversationId ? { question, conversationId: state.conversationId } : { question },
      onEvent: onStreamEvent,
    });
    draft.clear();
    hideProgress();
    renderResponse(r);
  } catch {
    draft.clear();
    hideProgress();
    addMessage({ who: 'assistant', text: MESSAGES.network, status: 'error' });
  } finally {
    setBusy(false);
  }
}

/**
 * True for a pipeline answer: a known status and a text to show.
 * @param {unknown} body
 * @returns {body is AskBody}
 */
function isAskBody(body) {
  return isRecord(body) && typeof body.answer === 'string' && isKnownStatus(body.status);
}

/** @param {ApiResult} r */
function renderResponse(r) {
  const requestId = requestIdOf(r.body);

  if (r.status === 401) {
    // The sign-in ran out: the conversation stays on screen until someone signs in.
    expireSession();
    notice('Please sign in', MESSAGES.signInAgain);
    return;
  }
  if (r.status === 429) {
    notice('Please wait', waitMessage(r.ok ? undefined : r.retryAfter));
    return;
  }
  // Pipeline failures arrive as 5xx with the usual body and a friendly `answer`; anything else
  // that is not a normal answer (bad request, gateway error page, …) gets our own line.
  const body = r.body;
  if (!isAskBody(body) || (!r.ok && r.status < 500)) {
    const text = r.status === 400 ? (errorMessage(body) ?? MESSAGES.serverTrouble) : MESSAGES.serverTrouble;
    addMessage({ who: 'assistant', text, status: 'error', ...(requestId ? { reference: requestId } : {}) });
    return;
  }
  if (typeof body.conversationId === 'string') {
    if (body.conversationRestarted && state.conversationId) notice('New conversation', MESSAGES.restarted);
    state.conversationId = body.conversationId;
  }

  const status = r.ok ? body.status : 'error';
  addMessage({
    who: 'assistant',
    text: body.answer,
    status,
    ...(requestId ? { requestId } : {}),
    // Support needs the id only when something failed on our side.
    ...(status === 'error' && requestId ? { reference: requestId } : {}),
    ...(status === 'answered' && isClaimsTable(body.table) ? { table: body.table } : {}),
    ...(typeof body.interpretation?.text === 'string' ? { interpretation: body.interpretation.text } : {}),
  });
}

// ---------- the question box ----------

function updateCounter() {
  const used = els.question.value.length;
  els.counter.textContent = `${used} of ${QUESTION_MAX} characters`;
  els.counter.classList.toggle('counter--near-limit', used >= QUESTION_MAX - 20);
  els.counter.classList.toggle('counter--over', used > QUESTION_MAX);
  if (used > QUESTION_MAX) showLimit();
  else els.limit.textContent = '';
}

function showLimit() {
  els.limit.textContent = tooLongMessage(els.question.value.trim().length || els.question.value.length);
}

// ---------- session: sign in, new conversation, sign out ----------

/** @param {{ name: string, relationship: string } | undefined} person */
function showSignedIn(person) {
  els.signedInAs.textContent = person
    ? `Signed in as ${person.name} (${RELATIONSHIP_LABELS[person.relationship] ?? person.relationship}).`
    : config.devSignIn
      ? 'Not signed in. Choose a person above.'
      : '';
  els.sessionActions.hidden = !person;
}

/** Forgets the session on this page (token, conversation, messages). */
function signOutLocally() {
  setToken(undefined);
  clearSession();
  state.token = undefined;
  state.person = undefined;
  state.conversationId = undefined;
  state.messages = [];
  els.log.replaceChildren();
  els.examples.hidden = false;
  showSignedIn(undefined);
  if (config.devSignIn) els.devSignIn.hidden = false;
}

/** The token is no longer valid: forget it (and the saved session), keep what is on screen. */
function expireSession() {
  setToken(undefined);
  clearSession();
  state.token = undefined;
  state.person = undefined;
  showSignedIn(undefined);
  if (config.devSignIn) els.devSignIn.hidden = false;
}

async function onSignOut() {
  // The server deletes every conversation of this person; the page forgets its copy either way.
  if (hasToken()) await api('/v1/sign-out', { method: 'POST' }).catch(() => undefined);
  signOutLocally();
  els.signedInAs.textContent = MESSAGES.signedOut;
  (config.devSignIn ? els.picker : els.question).focus();
}

async function onNewConversation() {
  if (busy) return;
  const old = state.conversationId;
  state.conversationId = undefined;
  state.messages = [];
  persist();
  els.log.replaceChildren();
  els.examples.hidden = false;
  els.signedInAs.textContent = MESSAGES.newConversation;
  els.question.focus();
  // The old conversation is of no further use: delete it on the server too.
  if (old) await api(`/v1/conversations/${encodeURIComponent(old)}`, { method: 'DELETE' }).catch(() => undefined);
}

async function loadPeople() {
  /** @type {ApiResult<DevFamily[]>} */
  const r = await api('/dev/people');
  if (!r.ok || !Array.isArray(r.body)) throw new Error('people');
  const families = r.body;

  els.picker.replaceChildren();
  const placeholder = document.createElement('option');
  placeholder.value = '';
  placeholder.textContent = 'Choose a person…';
  els.picker.append(placeholder);

  for (const family of families) {
    const group = document.createElement('optgroup');
    group.label = `Family ${family.memberId}`;
    for (const person of family.people ?? []) {
      const option = document.createElement('option');
      option.value = String(person.personId);
      option.textContent = `${person.name} (${RELATIONSHIP_LABELS[person.relationship] ?? person.relationship})`;
      option.dataset.name = person.name;
      option.dataset.relationship = person.relationship;
      group.append(option);
    }
    els.picker.append(group);
  }
}

/** @param {SubmitEvent} event */
async function onSignIn(event) {
  event.preventDefault();
  const option = els.picker.selectedOptions[0];
  if (!option?.value) {
    els.picker.focus();
    return;
  }
  els.signInButton.disabled = true;
  try {
    /** @type {ApiResult<{ token: string }>} */
    const r = await api('/dev/token', { method: 'POST', body: { personId: option.value } });
    if (!r.ok || typeof r.body.token !== 'string') throw new Error('token');
    // A different person must not see the previous person's answers, nor continue their conversation.
    signOutLocally();
    setToken(r.body.token);
    state.token = r.body.token;
    state.person = { name: option.dataset.name ?? '', relationship: option.dataset.relationship ?? '' };
    persist();
    showSignedIn(state.person);
    // Signed in: the picker goes away (Sign out, always in the header, brings it back).
    els.devSignIn.hidden = true;
    els.question.focus();
  } catch {
    setToken(undefined);
    els.signedInAs.textContent = MESSAGES.tokenFailed;
  } finally {
    els.signInButton.disabled = false;
  }
}

// ---------- start ----------

async function loadConfig() {
  try {
    const r = await api('/v1/config');
    return { devSignIn: r.ok && isRecord(r.body) && r.body.devSignIn === true };
  } catch {
    return { devSignIn: false };
  }
}

/** The session of this tab, after a reload: who is signed in and the conversation so far. */
function restoreSession() {
  const saved = loadSession();
  if (!saved) return false;
  setToken(saved.token);
  state.token = saved.token;
  state.person = saved.person;
  state.conversationId = saved.conversationId;
  state.messages = saved.messages;
  for (const m of saved.messages) addMessage(m, { restoring: true });
  showSignedIn(saved.person);
  const last = els.log.lastElementChild;
  if (last) scrollToNewest(last);
  return true;
}

/** Keeps the newest message clear of the question box that stays at the bottom of the screen. */
function trackFormHeight() {
  const set = () =>
    document.documentElement.style.setProperty('--ask-form-height', `${Math.ceil(els.askForm.offsetHeight)}px`);
  set();
  new ResizeObserver(set).observe(els.askForm);
}

function wireEvents() {
  els.askForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void ask(els.question.value);
  });
  els.question.addEventListener('keydown', (event) => {
    // Enter sends; Shift+Enter is a new line; never interrupt an IME composition.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void ask(els.question.value);
    }
  });
  els.question.addEventListener('input', updateCounter);
  for (const chip of els.chips) {
    chip.addEventListener('click', () => {
      els.question.focus();
      void ask(chip.textContent ?? '');
    });
  }
  els.signInForm.addEventListener('submit', (event) => void onSignIn(/** @type {SubmitEvent} */ (event)));
  els.newConversation.addEventListener('click', () => void onNewConversation());
  els.signOut.addEventListener('click', () => void onSignOut());
}

async function start() {
  els.questionMax.textContent = String(QUESTION_MAX);
  wireEvents();
  updateCounter();
  trackFormHeight();
  const restored = restoreSession();
  config = await loadConfig();
  if (!config.devSignIn) return;
  els.devSignIn.hidden = restored;
  if (!restored) showSignedIn(undefined);
  try {
    await loadPeople();
  } catch {
    els.signedInAs.textContent = MESSAGES.peopleFailed;
  }
}

void start();
