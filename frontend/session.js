// @ts-check
/**
 * The chat's conversation in this tab's sessionStorage, so a reload keeps it: whose it is (the ID
 * token's `sub`), the server's conversation id and the messages shown (answers with their
 * tables). The tokens themselves are auth.js's (sessionStorage too). sessionStorage is per tab
 * and gone when the tab closes; "Sign out" and signing in as someone else clear it at once.
 * Nothing is kept in localStorage or cookies.
 */

const KEY = 'claims-chat-session';
const VERSION = 2;

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
 * @property {string} subject whose conversation this is (the ID token's `sub`)
 * @property {string} [name] their name, as the ID token says it
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
    if (s.v !== VERSION || typeof s.subject !== 'string' || !Array.isArray(s.messages)) return undefined;
    return {
      subject: s.subject,
      ...(typeof s.name === 'string' ? { name: s.name } : {}),
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

/** Forgets the conversation (sign-out, another person signing in). */
export function clearSession() {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // nothing stored
  }
}
