// @ts-check
/**
 * The chat's session in this tab's sessionStorage, so a reload keeps it: the bearer token, who
 * is signed in, the server's conversation id and the messages shown (answers with their tables).
 * sessionStorage is per tab and gone when the tab closes; "Sign out" and signing in as someone
 * else clear it at once. Nothing is kept in localStorage or cookies.
 */

const KEY = 'claims-chat-session';
const VERSION = 1;

/**
 * @typedef {object} StoredMessage
 * @property {'member' | 'assistant'} who
 * @property {string} text
 * @property {string} [status]
 * @property {string} [label] a notice's own label ("Please sign in", "Please wait")
 * @property {string} [reference]
 * @property {string} [requestId]
 * @property {unknown} [table]
 * @property {string} [interpretation] "What I looked up", from the server
 * @property {'helpful' | 'not_helpful'} [feedback]
 * @property {boolean} [commented]
 */

/**
 * @typedef {object} Session
 * @property {string} token
 * @property {{ name: string, relationship: string }} person
 * @property {string} [conversationId]
 * @property {StoredMessage[]} messages
 */

/**
 * The stored session, or undefined when there is none (or it cannot be read).
 * @returns {Session | undefined}
 */
export function loadSession() {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    /** @type {unknown} */
    const value = JSON.parse(raw);
    if (typeof value !== 'object' || value === null) return undefined;
    const s = /** @type {Record<string, unknown>} */ (value);
    if (s.v !== VERSION || typeof s.token !== 'string' || !Array.isArray(s.messages)) return undefined;
    const person = /** @type {Record<string, unknown> | null} */ (s.person);
    if (typeof person?.name !== 'string' || typeof person.relationship !== 'string') return undefined;
    return {
      token: s.token,
      person: { name: person.name, relationship: person.relationship },
      ...(typeof s.conversationId === 'string' ? { conversationId: s.conversationId } : {}),
      messages: /** @type {StoredMessage[]} */ (s.messages.filter((m) => typeof m === 'object' && m !== null)),
    };
  } catch {
    return undefined;
  }
}

/**
 * Keeps the session for a reload. A full storage (a very long conversation) keeps the older copy.
 * @param {Session} session
 */
export function saveSession(session) {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ v: VERSION, ...session }));
  } catch {
    // Storage full or disabled: the page works on, a reload starts over.
  }
}

/** Forgets the session (sign-out, another person signing in). */
export function clearSession() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
