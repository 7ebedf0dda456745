/**
 * What the member reads when a question was only partly understood, asks for what the claims do
 * not hold, needs an earlier question, or is in Spanish — plus reading the model's
 * `<not_understood>` words back safely (only words the member actually wrote are ever quoted).
 */
import type { Lang } from '../core/language.ts';
import type { FamilyMember } from '../core/ports.ts';
import { unescapeTagContent } from '../core/prompt-tags.ts';
import { notInDataMessage as englishNotInData, friendlyMessage, Reason, type ReasonCode } from '../core/reasons.ts';
import { firstNameOf, kinshipOf, ONE_PARENT_WORD, parentCandidates } from '../core/roster.ts';
import type { Interpretation } from '../interpret/index.ts';
import type { NotInData } from '../schema/benefit-words.ts';

const fold = (t: string) =>
  t
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');

/**
 * The words a model said it could not use, kept only when the member wrote them (so a model can
 * never put its own text in front of the member): at most 5, each up to 40 characters.
 *
 * @example
 * notUnderstoodOf('<sql>SELECT 1</sql><not_understood>allergy</not_understood>', 'my allergy pills') // ['allergy']
 */
export function notUnderstoodOf(reply: string, question: string): string[] {
  const m = /<not_understood>([\s\S]*?)<\/not_understood>/i.exec(reply);
  if (!m) return [];
  const q = fold(question);
  const words = unescapeTagContent(m[1] ?? '')
    .split(/[,;\n]+/)
    .map((w) => w.trim().replace(/^["'“”]+|["'“”]+$/g, ''))
    .filter((w) => w.length > 0 && w.length <= 40 && q.includes(fold(w)));
  return [...new Set(words)].slice(0, 5);
}

/** The model said something was not understood but quoted nothing the member wrote. */
export function claimsNotUnderstood(reply: string): boolean {
  return /<not_understood>\s*\S[\s\S]*?<\/not_understood>/i.test(reply);
}

const quote = (words: readonly string[], lang: Lang) => {
  const q = words.map((w) => `"${w}"`);
  if (q.length <= 1) return q[0] ?? '';
  return `${q.slice(0, -1).join(', ')} ${lang === 'es' ? 'y' : 'and'} ${q.at(-1)}`;
};

/**
 * "I can look up …, but I didn't understand "allergy"." — nothing is looked up or stated.
 *
 * @example
 * partlyUnderstood(interpretation, ['allergy'], 'en')
 */
export function partlyUnderstood(
  interpretation: Interpretation | undefined,
  words: readonly string[],
  lang: Lang,
): string {
  const looked = interpretation?.text.replace(/^(What I looked up|Lo que busqué): /, '').replace(/\.(\s.*)?$/, '');
  if (lang === 'es') {
    const what = words.length ? `no entendí ${quote(words, lang)}` : 'no entendí una parte de la pregunta';
    return looked
      ? `Puedo buscar ${looked}, pero ${what}, así que no le doy una cifra que podría ser de otra pregunta. ¿Puede decirlo de otra forma?`
      : `Lo siento, ${what}. ¿Puede preguntarlo de otra forma?`;
  }
  const what = words.length ? `I didn't understand ${quote(words, lang)}` : "I couldn't follow part of the question";
  return looked
    ? `I can look up ${looked}, but ${what}, so I won't give you a figure that may answer a different question. Could you ask it another way?`
    : `Sorry, ${what}. Could you ask it in other words, for example "How many doctor visits did I have last year?"`;
}

/**
 * "I can't tell which of your parents you mean by "dad"": when a word the model could not use
 * names one parent by sex and the roster holds more than one person it may mean (or holds plan
 * holders who may not be the asker's parents), the member is asked for a first name. The data
 * holds no one's sex, so nobody is picked by guess. `undefined` when no such word was quoted.
 *
 * @example
 * parentClarification(['dad'], roster, 'en') // 'I can't tell which of your parents you mean by "dad": ... (Daniel or Elena).'
 */
export function parentClarification(
  words: readonly string[],
  roster: readonly FamilyMember[],
  lang: Lang,
): string | undefined {
  // Only the asker's own parent word ("dad", "my dad", "mi papá"): "Lucas's mom" is someone
  // else's parent, and stays a plain "I didn't understand".
  const word = words
    .map((w) => {
      const m = ONE_PARENT_WORD.exec(w);
      const rest = m ? (w.slice(0, m.index) + w.slice(m.index + m[0].length)).trim() : '';
      return m && /^(?:(?:my|mi|mis)\s*)?$/iu.test(rest) ? m[1] : undefined;
    })
    .find((w) => w !== undefined);
  if (!word) return undefined;
  const { people, certain } = parentCandidates(roster, (p) => kinshipOf(roster, p));
  if (people.length === 0 || (certain && people.length === 1)) return undefined;
  const names = people.map(firstNameOf);
  const or = (list: string[], conj: string) =>
    list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} ${conj} ${list.at(-1)}`;
  if (lang === 'es')
    return certain
      ? `No sé a cuál de sus padres se refiere con "${word}": los registros del plan no dicen quién es su madre o su padre. ¿Puede preguntar de nuevo con su nombre (${or(names, 'o')})?`
      : `No sé a quién se refiere con "${word}": los registros del plan no dicen quiénes son sus padres. ¿Puede preguntar de nuevo con el nombre de la persona (por ejemplo ${or(names, 'o')})?`;
  return certain
    ? `I can't tell which of your parents you mean by "${word}": the plan's records don't say who is your mother or your father. Could you ask again with their first name (${or(names, 'or')})?`
    : `I can't tell who you mean by "${word}": the plan's records don't say who your parents are. Could you ask again with the person's first name (for example ${or(names, 'or')})?`;
}

const SPANISH_TOPIC_WORDS: Readonly<Record<NotInData, string>> = {
  prior_authorization: 'autorizaciones previas ni referencias',
  provider_search: 'qué médicos o proveedores están en su red',
  cost_estimate: 'cuánto costará una atención que todavía no ha recibido',
  premium: 'su prima',
  dental: 'reclamaciones ni beneficios dentales (la cobertura dental suele ser un plan aparte)',
};

/** The refusal for a question the data cannot answer, naming what it asked about, in the member's language. */
export function notInDataMessage(topic: NotInData | undefined, lang: Lang): string {
  if (lang !== 'es') return englishNotInData(topic);
  const what = topic ? SPANISH_TOPIC_WORDS[topic] : 'eso';
  return `Puedo buscar sus reclamaciones, los beneficios de su plan, su deducible y sus gastos de bolsillo, y el estado de sus reclamaciones, pero no puedo ver ${what}. Llame a servicio al cliente al número que aparece en el reverso de su tarjeta de miembro; ellos pueden ayudarle.`;
}

const SPANISH: Partial<Record<ReasonCode, string>> = {
  [Reason.CANNOT_ANSWER]:
    'No estoy seguro de cómo responder eso con sus reclamaciones. ¿Puede preguntarlo de otra forma, por ejemplo "¿Cuántas visitas al médico tuve el año pasado?"',
  [Reason.NO_ROWS]:
    'No encontré reclamaciones que coincidan. ¿Puede agregar un poco más de detalle, como una fecha, una persona o un proveedor?',
  [Reason.TOO_MANY_ROWS]:
    'Eso coincide con muchas reclamaciones. ¿Puede limitarlo, por ejemplo a una persona, un año o un proveedor?',
  [Reason.WITHHELD]:
    'No puedo compartir eso. Esas reclamaciones pertenecen a alguien de su familia cuya información es privada.',
  [Reason.NEEDS_CONTEXT]:
    'No estoy seguro de a qué se refiere. ¿Puede hacer la pregunta completa, por ejemplo "¿Cuántas reclamaciones tuvo mi hijo el año pasado?"',
  [Reason.QUESTION_UNSAFE]:
    'Solo puedo responder preguntas sobre sus propias reclamaciones, en palabras sencillas. Nuestro equipo de servicio al cliente puede ayudarle.',
};

/** The member message for a code, in the member's language (English when there is no translation). */
export function memberMessage(code: ReasonCode, lang: Lang): string {
  return (lang === 'es' ? SPANISH[code] : undefined) ?? friendlyMessage(code);
}
