/**
 * Whose data a query reads, from its person conditions (member_name, relationship_code) checked
 * against the family roster: roster people said relative to the asker ("Daniel (your spouse)"),
 * the whole family the asker may see, or "some people" when a condition cannot be read.
 */
import { joinList } from '../core/format.ts';
import type { Lang } from '../core/language.ts';
import { firstNameOf, type Kinship, kinshipLabel, kinshipOf, type Roster, type RosterEntry } from '../core/roster.ts';
import type { Node } from './ast.ts';
import { evaluate } from './predicate.ts';

export interface PersonPart {
  readonly firstName: string;
  readonly kinship: Kinship;
  /** 'Daniel (your spouse)' */
  readonly label: string;
  readonly visible: boolean;
}

export interface Who {
  /** 'family': no person condition; 'people': the roster people it matches; 'unknown': not readable. */
  readonly scope: 'family' | 'people' | 'unknown';
  readonly people: readonly PersonPart[];
  /** Family members whose data is private to the asker and so not part of the answer. */
  readonly notIncluded: readonly PersonPart[];
  readonly text: string;
}

/** Columns that say whose row it is. */
export const PERSON_COLUMNS: ReadonlySet<string> = new Set(['member_name', 'relationship_code']);

const WORDS = {
  en: {
    you: 'you',
    privateTag: ', private',
    someone: 'some people on your plan',
    nobody: 'nobody on your plan',
    familyBare: 'your family',
    family: (names: string[]) => `your family (${joinList(names, 'en')})`,
  },
  es: {
    you: 'usted',
    privateTag: ', privado',
    someone: 'algunas personas de su plan',
    nobody: 'nadie de su plan',
    familyBare: 'su familia',
    family: (names: string[]) => `su familia (${joinList(names, 'es')})`,
  },
} as const;

export function personPart(roster: Roster, p: RosterEntry, lang: Lang): PersonPart {
  const kinship = kinshipOf(roster, p);
  const firstName = firstNameOf(p);
  const label =
    kinship === 'self'
      ? WORDS[lang].you
      : `${firstName} (${kinshipLabel(kinship, lang)}${p.visible ? '' : WORDS[lang].privateTag})`;
  return { firstName, kinship, label, visible: p.visible };
}

/**
 * The people a query's person conditions match.
 *
 * @example
 * whoOf([relationship_code = 'spouse'], roster, 'en') // { scope: 'people', text: 'Elena (your spouse)', ... }
 */
export function whoOf(conditions: readonly Node[], roster: Roster, lang: Lang): Who {
  const t = WORDS[lang];
  if (conditions.length === 0) {
    const people = roster
      .filter((p) => p.visible)
      .map((p) => personPart(roster, p, lang))
      .sort((a, b) => Number(b.kinship === 'self') - Number(a.kinship === 'self'));
    const notIncluded = roster.filter((p) => !p.visible).map((p) => personPart(roster, p, lang));
    // Someone who may see only their own data: "you", whatever the SQL says about people.
    if (people.length === 1 && people[0]?.kinship === 'self')
      return { scope: 'people', people, notIncluded, text: t.you };
    const names = people.map((p) => (p.kinship === 'self' ? t.you : p.firstName));
    return { scope: 'family', people, notIncluded, text: roster.length ? t.family(names) : t.familyBare };
  }
  if (roster.length === 0) return { scope: 'unknown', people: [], notIncluded: [], text: t.someone };
  const matched: RosterEntry[] = [];
  for (const p of roster) {
    const row = { member_name: p.name, relationship_code: p.relationship };
    const results = conditions.map((c) => evaluate(c, row));
    if (results.some((r) => r === undefined)) return { scope: 'unknown', people: [], notIncluded: [], text: t.someone };
    if (results.every((r) => r === true)) matched.push(p);
  }
  const people = matched
    .map((p) => personPart(roster, p, lang))
    .sort((a, b) => Number(b.kinship === 'self') - Number(a.kinship === 'self'));
  if (people.length === 0) return { scope: 'people', people, notIncluded: [], text: t.nobody };
  return {
    scope: 'people',
    people,
    notIncluded: [],
    text: joinList(
      people.map((p) => p.label),
      lang,
    ),
  };
}
