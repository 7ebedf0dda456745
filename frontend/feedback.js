// @ts-check
/**
 * "Was this answer helpful?" under an answer: Yes / No (buttons with aria-pressed), then an
 * optional comment. Sent to `POST /v1/feedback` with the answer's request id only: the server
 * finds the question in the person's own conversation and stores it without rows or names.
 */
import { api } from './api.js';

export const COMMENT_MAX = 500;

let count = 0;

/**
 * @typedef {object} FeedbackState
 * @property {'helpful' | 'not_helpful'} [given]
 * @property {boolean} [commented]
 */

/**
 * The feedback block for one answer.
 *
 * @example
 * bubble.append(renderFeedback(requestId, {}, (state) => save(state)));
 *
 * @param {string} requestId
 * @param {FeedbackState} state what was already given (after a reload)
 * @param {(state: FeedbackState) => void} onChange
 * @returns {HTMLElement}
 */
export function renderFeedback(requestId, state, onChange) {
  count += 1;
  const id = `feedback-${count}`;
  const wrap = document.createElement('div');
  wrap.className = 'feedback';

  const question = document.createElement('p');
  question.className = 'feedback__question';
  question.id = `${id}-q`;
  question.textContent = 'Was this answer helpful?';

  const group = document.createElement('div');
  group.className = 'feedback__choices';
  group.setAttribute('role', 'group');
  group.setAttribute('aria-labelledby', question.id);

  const status = document.createElement('p');
  status.className = 'feedback__status';
  status.setAttribute('role', 'status');

  /** @type {FeedbackState} */
  const current = { ...state };

  const yes = choice('Yes', 'helpful');
  const no = choice('No', 'not_helpful');
  group.append(yes, no);

  const form = document.createElement('form');
  form.className = 'feedback__comment';
  form.hidden = !current.given || current.commented === true;
  const label = document.createElement('label');
  label.htmlFor = `${id}-comment`;
  label.textContent = `Anything to add? Optional, up to ${COMMENT_MAX} characters. Please leave out names.`;
  const input = document.createElement('textarea');
  input.id = `${id}-comment`;
  input.rows = 2;
  const send = document.createElement('button');
  send.type = 'submit';
  send.className = 'button button--secondary button--small';
  send.textContent = 'Send comment';
  form.append(label, input, send);

  /**
   * @param {string} text
   * @param {'helpful' | 'not_helpful'} value
   */
  function choice(text, value) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'feedback__choice';
    b.textContent = text;
    b.setAttribute('aria-pressed', String(current.given === value));
    b.addEventListener('click', () => void give(value));
    return b;
  }

  /** @param {'helpful' | 'not_helpful'} value */
  async function give(value) {
    const r = await post({ requestId, helpful: value === 'helpful' });
    if (!r) return;
    current.given = value;
    yes.setAttribute('aria-pressed', String(value === 'helpful'));
    no.setAttribute('aria-pressed', String(value === 'not_helpful'));
    status.textContent = 'Thank you for your feedback.';
    if (!current.commented) form.hidden = false;
    onChange({ ...current });
  }

  /** @param {Record<string, unknown>} body */
  async function post(body) {
    try {
      const r = await api('/v1/feedback', { method: 'POST', body });
      if (r.ok) return true;
      status.textContent = "Your feedback couldn't be saved just now. Please try again later.";
    } catch {
      status.textContent = "Your feedback couldn't be sent. Please check your connection.";
    }
    return false;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const comment = input.value.trim();
    if (comment.length > COMMENT_MAX) {
      status.textContent = `That comment is ${comment.length} characters long; please keep it to ${COMMENT_MAX}.`;
      return;
    }
    if (!comment || !current.given) return;
    void (async () => {
      if (!(await post({ requestId, helpful: current.given === 'helpful', comment }))) return;
      current.commented = true;
      form.hidden = true;
      status.textContent = 'Thank you, your comment was sent.';
      onChange({ ...current });
    })();
  });

  if (current.given) status.textContent = 'Thank you for your feedback.';
  wrap.append(question, group, form, status);
  return wrap;
}
