/**
 * The family roster as the signed-in person sees it: everyone on the plan, how each relates to
 * the asker ("your spouse", "your son", "your parent"), the relationship code each maps to in
 * claims_history (codes are relative to the subscriber, not to the asker), and whether the
 * asker may see their claims. The SQL prompt carries it, the offline engine reads it back from
 * the prompt, and the interpretation names people from it — one format, kept here.
 */
import { RELATIONSHIP_CODES, type RelationshipCode } from '../schema/catalog.ts';
import type { Lang } from './language.ts';
import type { FamilyMember } from './ports.ts';

/** One person of the roster: the port's `FamilyMember` (name, relationship, visible, self). */
export type RosterEntry = FamilyMember;

export type Roster = readonly RosterEntry[];

/** 'Daniel' from 'Daniel Whitfield'. */
export function firstNameOf(p: Pick<RosterEntry, 'name'>): string {
  return p.name.trim().split(/\s+/)[0] ?? p.name;
}

/** How a person relates to the asker. */
export const KINSHIPS = [
  'self',
  'spouse',
  'son',
  'daughter',
  'dependent',
  'parent',
  'brother',
  'sister',
  'plan_holder',
  'plan_holder_spouse',
  'relative',
] as const;
export type Kinship = (typeof KINSHIPS)[number];

const GUARDIANS: ReadonlySet<RelationshipCode> = new Set(['subscriber', 'spouse']);

/**
 * How `other` relates to the asker, from both relationship codes (relative to the subscriber).
 *
 * @example
 * kinshipToAsker('spouse', 'subscriber') // 'spouse'  (Elena asking about Daniel)
 * kinshipToAsker('son', 'spouse')        // 'parent'  (Lucas asking about Elena)
 */
export function kinshipToAsker(asker: RelationshipCode, other: RelationshipCode, isAsker = false): Kinship {
  if (isAsker) return 'self';
  if (GUARDIANS.has(asker)) {
    if (GUARDIANS.has(other)) return 'spouse';
    if (other === 'son' || other === 'daughter') return other;
    return 'dependent';
  }
  if (asker === 'son' || asker === 'daughter') {
    if (GUARDIANS.has(other)) return 'parent';
    if (other === 'son') return 'brother';
    if (other === 'daughter') return 'sister';
    return 'relative';
  }
  // 'other' (a grandchild, a ward, ...): the guardians are named by their place on the plan.
  if (other === 'subscriber') return 'plan_holder';
  if (other === 'spouse') return 'plan_holder_spouse';
  return 'relative';
}

const KINSHIP_LABELS: Readonly<Record<Lang, Readonly<Record<Kinship, string>>>> = {
  en: {
    self: 'you',
    spouse: 'your spouse',
    son: 'your son',
    daughter: 'your daughter',
    dependent: 'a dependent on your plan',
    parent: 'your parent',
    brother: 'your brother',
    sister: 'your sister',
    plan_holder: 'the plan holder',
    plan_holder_spouse: "the plan holder's spouse",
    relative: 'a family member',
  },
  es: {
    self: 'usted',
    spouse: 'su cónyuge',
    son: 'su hijo',
    daughter: 'su hija',
    dependent: 'dependiente en su plan',
    parent: 'su padre o madre',
    brother: 'su hermano',
    sister: 'su hermana',
    plan_holder: 'el titular del plan',
    plan_holder_spouse: 'el cónyuge del titular',
    relative: 'un familiar',
  },
};

/** 'your spouse' / 'su cónyuge'. */
export function kinshipLabel(kinship: Kinship, lang: Lang = 'en'): string {
  return KINSHIP_LABELS[lang][kinship];
}

/** The asker's entry, if the roster has one. */
export function askerOf(roster: Roster): RosterEntry | undefined {
  return roster.find((p) => p.self);
}

/** Kinship of each entry to the roster's asker ('relative' when the asker is unknown). */
export function kinshipOf(roster: Roster, entry: RosterEntry): Kinship {
  const asker = askerOf(roster);
  if (!asker) return 'relative';
  return kinshipToAsker(asker.relationship, entry.relationship, entry.self);
}

// ---------------------------------------------------------------- "Sophie's dad"

/** A family member's relative named through them: "Sophie's dad", "daniel's youngest son" (any case: the name must be on the roster). */
const KIN_OF_NAMED =
  /(?<![\p{L}\d])(\p{L}+)['’]s\s+(?:[a-z]+\s+)?(mom|mum|mommy|mother|dad|daddy|father|parents?|husband|wife|spouse|partner|sons?|daughters?|kids?|children|child|grand(?:son|daughter|child|children|kids?)|brothers?|sisters?|siblings?)(?![\p{L}\d])/iu;

/**
 * A relative named through a person on the plan ("Sophie's dad"). Asked by that person it is
 * their own relative, so the name is read as "my"; through anyone else the engines do not resolve
 * kinship relative to another person, so the phrase is returned as not understood (answering
 * about the named person instead would state a figure for someone the member did not ask about).
 * Names not on the plan are left alone (other rules refuse them).
 *
 * @example
 * kinOfNamed("How much has Sophie's dad paid?", ['Daniel', 'Sophie'], 'Sophie') // { text: 'How much has my dad paid?', phrase: "Sophie's dad" }
 * kinOfNamed("How much has Daniel's son paid?", ['Daniel', 'Lucas'], 'Elena') // { text: 'How much has Daniel paid?', unclear: "Daniel's son" }
 */
export function kinOfNamed(
  text: string,
  firstNames: readonly string[],
  selfFirstName: string | undefined,
): { readonly text: string; readonly unclear?: string; readonly phrase?: string } {
  const m = KIN_OF_NAMED.exec(text);
  const name = m?.[1]?.toLowerCase();
  if (!m || !name || !firstNames.some((n) => n.toLowerCase() === name)) return { text };
  // Someone else's relative: the relation words are taken out of the text (they are reported once,
  // as the whole phrase), the name stays.
  if (name !== selfFirstName?.toLowerCase())
    return { text: `${text.slice(0, m.index)}${m[1]}${text.slice(m.index + m[0].length)}`, unclear: m[0] };
  // "<Name>'s" is the name, an apostrophe and an s.
  return { text: `${text.slice(0, m.index)}my${text.slice(m.index + (m[1]?.length ?? 0) + 2)}`, phrase: m[0] };
}

// ---------------------------------------------------------------- "mom", "dad"

/**
 * Words naming ONE parent by sex. The data holds no one's sex, so with two parents on the plan
 * such a word cannot be resolved to a person: the member is asked for a first name instead of
 * being answered about a parent picked by guess. "Parents" (both) is not one of them.
 */
export const ONE_PARENT_WORD =
  /(?<![\p{L}\d])(mom|mum|mommy|mummy|mother|mam[aá]|dad|daddy|father|pap[aá]|madre|padre|parent)(?:'s)?(?![\p{L}\d])/iu;

/** How a person relates to the asker, from a roster entry (either shape). */
type KinOf<T> = (entry: T) => Kinship;

/**
 * Who "my mom" / "my dad" may be: the asker's parents (the asker is the subscriber's son or
 * daughter), or else the plan holder and their spouse (a grandchild or ward: they may or may not
 * be the asker's parents, the data does not say). `certain` is false for the latter.
 */
export function parentCandidates<T>(roster: readonly T[], kinOf: KinOf<T>): { people: T[]; certain: boolean } {
  const parents = roster.filter((p) => kinOf(p) === 'parent');
  if (parents.length > 0) return { people: parents, certain: true };
  return { people: roster.filter((p) => ['plan_holder', 'plan_holder_spouse'].includes(kinOf(p))), certain: false };
}

export type ParentReading<T> =
  /** These people (all of them, for "parents"; the one parent on the plan; or all, when all are private). */
  | { readonly kind: 'people'; readonly people: T[] }
  /** More than one person could be meant, and the answer would depend on which: ask for a name. */
  | { readonly kind: 'unclear'; readonly people: T[] }
  /** Nobody on the plan is a parent of the asker. */
  | { readonly kind: 'none' };

/**
 * Resolves a parent word against the roster, without guessing anyone's sex.
 *
 * @example
 * readParentWord(roster, 'dad', kinOf, isVisible) // Lucas asking, Daniel and Elena on the plan and visible: { kind: 'unclear', ... }
 * readParentWord(roster, 'dad', kinOf, isVisible) // Samuel asking, only Robert on the plan: { kind: 'people', people: [Robert] }
 * readParentWord(roster, 'mom', kinOf, isVisible) // both parents private to the asker: { kind: 'people', people: [both] } (withheld either way)
 */
export function readParentWord<T>(
  roster: readonly T[],
  word: string,
  kinOf: KinOf<T>,
  isVisible: (entry: T) => boolean,
): ParentReading<T> {
  const { people, certain } = parentCandidates(roster, kinOf);
  if (people.length === 0) return { kind: 'none' };
  // Whoever is meant, their claims are private to the asker: "I can't share that" either way.
  if (people.every((p) => !isVisible(p))) return { kind: 'people', people };
  const both = /^(parents|padres|folks)$/i.test(word.trim());
  if (certain && (both || people.length === 1)) return { kind: 'people', people };
  return { kind: 'unclear', people };
}

// ---------------------------------------------------------------- the prompt format

/**
 * One line per person, for the `<roster>` tag of the SQL prompt (member data: the renderer
 * escapes it for the tag). Readable by a model, and parsed back by {@link parseRosterText}.
 *
 * @example
 * renderRosterText(roster)
 * // '- Daniel Whitfield | first name: Daniel | relation to the asker: spouse (your spouse) | relationship_code: subscriber | claims: visible'
 */
export function renderRosterText(roster: Roster): string {
  return roster
    .map((p) => {
      const kinship = kinshipOf(roster, p);
      const claims = p.visible ? 'visible' : 'private (the asker may not see them)';
      return `- ${p.name} | first name: ${firstNameOf(p)} | relation to the asker: ${kinship} (${kinshipLabel(
        kinship,
      )}) | relationship_code: ${p.relationship} | claims: ${claims}`;
    })
    .join('\n');
}

const LINE =
  /^- (.+?) \| first name: (.+?) \| relation to the asker: ([a-z_]+) \([^)]*\) \| relationship_code: ([a-z]+) \| claims: (visible|private)/;

/** A roster line read back (no person id: the prompt does not carry ids). */
export interface ParsedRosterEntry {
  readonly fullName: string;
  readonly firstName: string;
  readonly kinship: Kinship;
  readonly relationship: RelationshipCode;
  readonly visible: boolean;
}

/**
 * Reads {@link renderRosterText} back; lines that do not fit are skipped.
 *
 * @example
 * parseRosterText('- Lucas Whitfield | first name: Lucas | relation to the asker: son (your son) | relationship_code: son | claims: visible')
 * // [{ fullName: 'Lucas Whitfield', firstName: 'Lucas', kinship: 'son', relationship: 'son', visible: true }]
 */
export function parseRosterText(text: string | undefined): ParsedRosterEntry[] {
  const out: ParsedRosterEntry[] = [];
  for (const line of (text ?? '').split(/\r?\n/)) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const [, full, first, kinship, relationship, claims] = m;
    if (!(KINSHIPS as readonly string[]).includes(kinship ?? '')) continue;
    if (!(RELATIONSHIP_CODES as readonly string[]).includes(relationship ?? '')) continue;
    out.push({
      fullName: (full ?? '').trim(),
      firstName: (first ?? '').trim(),
      kinship: kinship as Kinship,
      relationship: relationship as RelationshipCode,
      visible: claims === 'visible',
    });
  }
  return out;
}
