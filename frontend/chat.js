// @ts-check
/**
 * Member chat page: ask a question, show the answer.
 *
 * Identity: every API call carries `Authorization: Bearer <token>`. The token lives only in
 * the memory of api.js (never localStorage/sessionStorage), so closing the tab signs out.
 * - Local demo (`GET /v1/config` → `{ devSignIn: true }`): a "Sign in as" picker fetches a
 *   token from the local server's dev issuer (`POST /dev/token`).
 * - Production: the portal's Cognito sign-in supplies the ID token and hands it to this page
 *   through {@link setToken}; the dev picker stays hidden because the deployed config says
 *   `devSignIn: false` (and the /dev routes do not exist there). Wiring that hand-off is the
 *   portal's job and out of scope here.
 *
 * Server text (answers, names, error messages) is only ever written with textContent.
 */
import { api, apiStream, errorMessage, hasToken, isRecord, requestIdOf, setToken } from './api.js';
import { isClaimsTable, renderClaimsTable } from './claims-table.js';
import { LIMITS } from './limits.js';

/** @import { ApiResult } from './api.js' */

const QUESTION_MAX = LIMITS.questionMaxChars;

/** Status → the short visible label (not colour alone) and the bubble's modifier class. */
const STATUS_STYLES = /** @type {const} */ ({
  answered: { label: '', className: 'bubble--answered' },
  needs_detail: { label: 'A little more detail, please', className: 'bubble--needs-detail' },
  refused: { label: "I can't help with that", className: 'bubble--refused' },
  withheld: { label: 'Private', className: 'bubble--withheld' },
  error: { label: 'Something went wrong', className: 'bubble--error' },
});

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
};

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
 * @typedef {{ status: keyof typeof STATUS_STYLES, answer: string, requestId?: string, table?: unknown }} AskBody
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
  log: byId('chat-log'),
  askForm: /** @type {HTMLFormElement} */ (byId('ask-form')),
  question: /** @type {HTMLTextAreaElement} */ (byId('question')),
  counter: byId('question-counter'),
  send: /** @type {HTMLButtonElement} */ (byId('send-button')),
  chips: /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('.chip')),
};

/** Set while a question is in flight: one question at a time. */
let busy = false;

/**
 * The server's id for this conversation (follow-up questions are resolved against its earlier
 * turns, which the server keeps); undefined until the first answer, and after "New conversation".
 * @type {string | undefined}
 */
let conversationId;

// ---------- chat log ----------

/**
 * Appends one bubble to the conversation and keeps it in view.
 *
 * @param {{ who: 'member' | 'assistant', text: string, status?: keyof typeof STATUS_STYLES, reference?: string }} msg
 */
function addBubble(msg) {
  const item = document.createElement('li');
  item.className = `bubble bubble--${msg.who}`;
  if (msg.who === 'assistant' && msg.status) {
    const style = STATUS_STYLES[msg.status];
    item.classList.add(style.className);
    item.dataset.status = msg.status;
    if (style.label) {
      const label = document.createElement('p');
      label.className = 'bubble__label';
      label.textContent = style.label;
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

  if (msg.reference) {
    const ref = document.createElement('p');
    ref.className = 'bubble__reference';
    ref.textContent = `Reference for customer service: ${msg.reference}`;
    item.append(ref);
  }

  els.log.append(item);
  scrollToNewest(item);
  return item;
}

/** Keeps the newest bubble in view; no animation for people who asked for less motion. @param {Element} item */
function scrollToNewest(item) {
  const calm = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
  item.scrollIntoView({ block: 'end', behavior: calm ? 'auto' : 'smooth' });
}

function showProgress() {
  const item = document.createElement('li');
  item.className = 'bubble bubble--assistant bubble--progress';
  item.id = 'progress';
  const spinner = document.createElement('span');
  spinner.className = 'spinner';
  spinner.setAttribute('aria-hidden', 'true');
  const text = document.createElement('span');
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
  const label = document.querySelector('#progress span:not(.spinner)');
  if (label) label.textContent = text;
}

/**
 * The answer as it is being written. Hidden from screen readers (they would hear every piece):
 * the finished answer is added as a new bubble, which the log announces once.
 */
const draft = {
  /** @type {HTMLElement | undefined} */
  el: undefined,
  /** @param {string} text @param {boolean} replace */
  write(text, replace) {
    if (!this.el) {
      hideProgress();
      const item = document.createElement('li');
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
}

// ---------- asking ----------

/** @param {unknown} value @returns {value is keyof typeof STATUS_STYLES} */
function isKnownStatus(value) {
  return typeof value === 'string' && Object.hasOwn(STATUS_STYLES, value);
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
    addBubble({ who: 'assistant', text: MESSAGES.empty, status: 'needs_detail' });
    return;
  }
  if (!hasToken()) {
    addBubble({ who: 'assistant', text: MESSAGES.signInFirst, status: 'error' });
    (config.devSignIn ? els.picker : els.question).focus();
    return;
  }

  addBubble({ who: 'member', text: question });
  els.question.value = '';
  updateCounter();
  setBusy(true);
  showProgress();
  try {
    // The answer streams in as it is written; the final event holds the whole answer.
    const r = await apiStream('/v1/ask', {
      body: conversationId ? { question, conversationId } : { question },
      onEvent: onStreamEvent,
    });
    if (isRecord(r.body) && typeof r.body.conversationId === 'string') conversationId = r.body.conversationId;
    draft.clear();
    hideProgress();
    renderResponse(r);
  } catch {
    draft.clear();
    hideProgress();
    addBubble({ who: 'assistant', text: MESSAGES.network, status: 'error' });
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
    setToken(undefined);
    showSignedIn(undefined);
    addBubble({ who: 'assistant', text: MESSAGES.signInAgain, status: 'error' });
    return;
  }
  if (r.status === 429) {
    addBubble({ who: 'assistant', text: errorMessage(r.body) ?? MESSAGES.serverTrouble, status: 'error' });
    return;
  }
  // Pipeline failures arrive as 5xx with the usual body and a friendly `answer`; anything else
  // that is not a normal answer (bad request, gateway error page, …) gets our own line.
  const body = r.body;
  if (!isAskBody(body) || (!r.ok && r.status < 500)) {
    addBubble({ who: 'assistant', text: MESSAGES.serverTrouble, status: 'error', reference: requestId });
    return;
  }

  const status = r.ok ? body.status : 'error';
  const bubble = addBubble({
    who: 'assistant',
    text: body.answer,
    status,
    // Support needs the id only when something failed on our side.
    reference: status === 'error' ? requestId : undefined,
  });
  // The rows the answer was built from, as a table the member can open.
  if (status === 'answered' && isClaimsTable(body.table) && body.table.rows.length > 0) {
    bubble.append(renderClaimsTable(body.table));
  }
}

function updateCounter() {
  const used = els.question.value.length;
  els.counter.textContent = `${used} of ${QUESTION_MAX} characters`;
  els.counter.classList.toggle('counter--near-limit', used >= QUESTION_MAX - 20);
}

// ---------- dev sign-in (LOCAL DEMO ONLY) ----------

/** @param {{ name: string, relationship: string } | undefined} person */
function showSignedIn(person) {
  els.signedInAs.textContent = person
    ? `Signed in as ${person.name} (${RELATIONSHIP_LABELS[person.relationship] ?? person.relationship}).`
    : config.devSignIn
      ? 'Not signed in. Choose a person above.'
      : '';
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
    setToken(r.body.token);
    // A different person must not see the previous person's answers, nor continue their conversation.
    els.log.replaceChildren();
    conversationId = undefined;
    showSignedIn({ name: option.dataset.name ?? '', relationship: option.dataset.relationship ?? '' });
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
}

async function start() {
  els.question.maxLength = QUESTION_MAX;
  wireEvents();
  updateCounter();
  config = await loadConfig();
  if (!config.devSignIn) return;
  els.devSignIn.hidden = false;
  showSignedIn(undefined);
  try {
    await loadPeople();
  } catch {
    els.signedInAs.textContent = MESSAGES.peopleFailed;
  }
}

void start();
