// @ts-check
/**
 * Member chat page: ask a question, follow up on the answer, see the claims behind it.
 *
 * Identity: every API call carries `Authorization: Bearer <ID token>`. The page signs in through
 * the issuer's hosted sign-in (Cognito in production, the local dev issuer's person picker
 * locally) with the authorization-code flow and PKCE (auth.js); the settings come from
 * /config.json. The tokens are kept in this tab's sessionStorage (auth.js), so a reload stays
 * signed in; the ID token is renewed silently before it expires; a 401 forgets them.
 *
 * The conversation (who it belongs to, its server id and its messages) is kept in this tab's
 * sessionStorage too (session.js), so a reload keeps it; it comes back only for the person it
 * belongs to. "Sign out" deletes the server's copy of the conversations (`POST /v1/sign-out`) and
 * this tab's, then signs out everywhere (the refresh token revoked, the portal's other tabs and
 * the hosted sign-in session ended). Follow-up questions
 * send the conversation's id; the server keeps the earlier turns (the page never sends them).
 * Answers stream in as they are written (`apiStream`), hidden from screen readers until the
 * finished answer is added to the log, which announces it once.
 *
 * Server text (answers, names, error messages) is only ever written with textContent.
 */
import { api, apiStream, errorMessage, hasToken, isRecord, requestIdOf, setToken } from './api.js';
import { createSession, loadPageConfig } from './auth.js';
import { isClaimsTable, renderClaimsTable } from './claims-table.js';
import { renderFeedback } from './feedback.js';
import { LIMITS } from './limits.js';
import { clearSession, loadSession, saveSession } from './session.js';

/** @import { ApiResult } from './api.js' */
/** @import { StoredMessage } from './session.js' */
/** @import { SessionState } from './auth.js' */

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

const MESSAGES = {
  signInAgain: 'Please sign in again.',
  signInFirst: 'Please sign in first, then ask your question.',
  network: "I couldn't reach the claims service. Please check your internet connection and try again.",
  serverTrouble: "Sorry, I couldn't look that up just now. Please try again in a moment.",
  signInFailed: "That sign-in didn't work. Please sign in again.",
  signedOutElsewhere: 'You signed out in another tab.',
  signInUnavailable: "Sign-in isn't available right now. Please reload the page in a moment.",
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

/** The sign-in session (undefined until /config.json is read). @type {ReturnType<typeof createSession> | undefined} */
let session;
/** Set in this tab's sessionStorage across the sign-out redirect: the page then says so. */
const SIGNED_OUT_KEY = 'claims-chat-signed-out';

/**
 * Hands the page a bearer token obtained elsewhere (a portal embedding this page, a test); the
 * page's own sign-in (auth.js) sets it too. Passing `undefined` forgets it.
 *
 * @example
 * import { setToken } from './chat.js';
 * setToken(idToken);
 */
export { setToken };

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
  signIn: byId('sign-in'),
  devNote: byId('dev-sign-in-note'),
  signInButton: /** @type {HTMLButtonElement} */ (byId('sign-in-button')),
  adminNav: byId('admin-nav'),
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
 * Who is signed in (the ID token's `sub` and name), the server's id for this conversation
 * (follow-ups are resolved against its earlier turns, which the server keeps) and what the page
 * shows. Saved for a reload.
 * @type {{ subject?: string, name?: string, conversationId?: string, messages: StoredMessage[] }}
 */
const state = { messages: [] };

function persist() {
  if (!state.subject) return;
  saveSession({
    subject: state.subject,
    ...(state.name ? { name: state.name } : {}),
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
    (els.signIn.hidden ? els.question : els.signInButton).focus();
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
    // The sign-in ran out (expired, revoked): the tokens are forgotten; the conversation stays
    // (on screen, and for the same person's next sign-in) until someone else signs in.
    if (session) session.drop();
    else expireSession();
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

/** @param {string | undefined} name who is signed in (undefined: nobody) */
function showSignedIn(name) {
  const signedIn = name !== undefined;
  els.signedInAs.textContent = signedIn ? (name ? `Signed in as ${name}.` : 'Signed in.') : 'Not signed in.';
  els.sessionActions.hidden = !signedIn;
  els.signIn.hidden = signedIn;
  els.signInButton.disabled = false;
  if (!signedIn) els.adminNav.hidden = true;
}

/** Shows the conversation of `state` (after a reload, or the same person signing in again). */
function showConversation() {
  els.log.replaceChildren();
  for (const m of state.messages) addMessage(m, { restoring: true });
  els.examples.hidden = els.log.childElementCount > 0;
  const last = els.log.lastElementChild;
  if (last) scrollToNewest(last);
}

/** Forgets the conversation on this page and in the tab (the tokens are auth.js's). */
function signOutLocally() {
  setToken(undefined);
  clearSession();
  state.subject = undefined;
  state.name = undefined;
  state.conversationId = undefined;
  state.messages = [];
  els.log.replaceChildren();
  els.examples.hidden = false;
  showSignedIn(undefined);
}

/**
 * The tokens are no longer valid: the page stops using them and offers the sign-in again; the
 * conversation stays on screen and in the tab, for the same person's next sign-in.
 */
function expireSession() {
  setToken(undefined);
  showSignedIn(undefined);
  els.signedInAs.textContent = MESSAGES.signInAgain;
}

/**
 * Renders a change of the sign-in session (auth.js): a sign-in (after the redirect back, or a
 * reload), a silent renewal, or the end of the session.
 * @param {SessionState} change
 */
function onSession(change) {
  if (change.signedIn) {
    const { claims } = change;
    const renewal = hasToken() && state.subject === claims.sub;
    setToken(change.idToken);
    if (renewal) return;
    if (state.subject !== claims.sub) {
      // Someone else's conversation never shows; the same person's comes back (reload, sign-in again).
      const saved = loadSession();
      if (saved && saved.subject === claims.sub) {
        state.conversationId = saved.conversationId;
        state.messages = saved.messages;
      } else {
        clearSession();
        state.conversationId = undefined;
        state.messages = [];
      }
      state.subject = claims.sub;
      showConversation();
    }
    state.name = claims.name ?? claims.email;
    persist();
    showSignedIn(state.name ?? '');
    // Members never see the admin page's link; only an admin's token carries the admin role.
    els.adminNav.hidden = claims['custom:role'] !== 'admin';
    els.question.focus();
    return;
  }
  if (change.reason === 'expired') return expireSession();
  // Signed out (here or in another tab): this person's conversation goes from the tab.
  if (change.reason === 'signed-out' || change.reason === 'elsewhere') signOutLocally();
  else setToken(undefined);
  showSignedIn(undefined);
  els.signedInAs.textContent = {
    'signed-out': MESSAGES.signedOut,
    elsewhere: MESSAGES.signedOutElsewhere,
    failed: MESSAGES.signInFailed,
  }[change.reason];
}

async function onSignOut() {
  // The server deletes every conversation of this person; the page forgets its copy either way.
  if (hasToken()) await api('/v1/sign-out', { method: 'POST' }).catch(() => undefined);
  signOutLocally();
  els.signedInAs.textContent = MESSAGES.signedOut;
  // The issuer's sign-out sends the browser back here: the page then says it signed out.
  try {
    sessionStorage.setItem(SIGNED_OUT_KEY, '1');
  } catch {
    // storage disabled: the page just says "Not signed in."
  }
  if (session) await session.signOut();
  else els.signInButton.focus();
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

/** True once after the sign-out redirect came back. */
function justSignedOut() {
  try {
    const was = sessionStorage.getItem(SIGNED_OUT_KEY) !== null;
    sessionStorage.removeItem(SIGNED_OUT_KEY);
    return was;
  } catch {
    return false;
  }
}

async function startSignIn() {
  const signedOut = justSignedOut();
  const config = await loadPageConfig();
  const settings = config.signIn?.member;
  if (!settings) {
    showSignedIn(undefined);
    els.signedInAs.textContent = MESSAGES.signInUnavailable;
    return;
  }
  els.devNote.hidden = config.devSignIn !== true;
  session = createSession(settings, onSession);
  const current = session;
  els.signInButton.addEventListener('click', () => {
    els.signInButton.disabled = true;
    current.signIn().catch(() => {
      showSignedIn(undefined);
      els.signedInAs.textContent = MESSAGES.signInUnavailable;
    });
  });
  if (await current.start()) return;
  if (!hasToken() && els.signIn.hidden) {
    // Not signed in and nothing said yet: offer the sign-in (a saved conversation waits for its person).
    showSignedIn(undefined);
    if (signedOut) els.signedInAs.textContent = MESSAGES.signedOut;
  }
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
  els.newConversation.addEventListener('click', () => void onNewConversation());
  els.signOut.addEventListener('click', () => void onSignOut());
}

async function start() {
  els.questionMax.textContent = String(QUESTION_MAX);
  wireEvents();
  updateCounter();
  trackFormHeight();
  await startSignIn();
}

void start();
