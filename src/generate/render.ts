import { renderHistory, type Turn } from '../core/conversation.ts';
import type { Asker, PromptTemplate, Row } from '../core/ports.ts';
import { escapeTagContent } from '../core/prompt-tags.ts';
import { type Roster, renderRosterText } from '../core/roster.ts';
import { renderSchemaDdl } from '../schema/catalog.ts';
import { fillPlaceholders } from './placeholders.ts';

export interface RenderedPrompt {
  readonly system: string;
  readonly prompt: string;
  /** How much of `prompt` is the same for every member and question (see {@link staticPrefixOf}). */
  readonly cacheablePrefixChars?: number;
}

/** Placeholders whose value is the same for every member and every question. */
const STATIC_PLACEHOLDERS: ReadonlySet<string> = new Set(['schema']);
const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;

/**
 * The start of a template body before its first placeholder that carries member input (the SQL
 * template's role, schema, rules and examples): what a model provider may cache across asks.
 * @example
 * staticPrefixOf('<schema>{{schema}}</schema>\n<q>{{question}}</q>') // '<schema>{{schema}}</schema>\n<q>'
 */
export function staticPrefixOf(body: string): string {
  for (const m of body.matchAll(PLACEHOLDER)) if (!STATIC_PLACEHOLDERS.has(m[1] ?? '')) return body.slice(0, m.index);
  return body;
}

export interface SqlPromptInput {
  readonly memberId: string;
  readonly question: string;
  readonly asker: Asker;
  readonly today: string;
  /** Earlier turns of the conversation, oldest first (from the server's store only). */
  readonly history?: readonly Turn[];
  /** The family as the asker sees it; empty when unknown. */
  readonly roster?: Roster;
}

/** The roster for the `<roster>` tag (member data: escaped). */
function rosterText(roster: Roster | undefined): string {
  return escapeTagContent(roster?.length ? renderRosterText(roster) : '(not available)');
}

const asText = (a: Asker) => `${a.name} (${a.relationship})`;

/**
 * Renders the SQL-generation template. Member input is escaped so it cannot close its tag;
 * the system text is never filled with member input.
 * @example
 * renderSqlPrompt(tpl, { memberId: '1000000001', question: 'How many claims?', asker, today: '2026-11-25' })
 */
export function renderSqlPrompt(tpl: PromptTemplate, input: SqlPromptInput): RenderedPrompt {
  const values = {
    schema: renderSchemaDdl(),
    member_id: input.memberId,
    today: input.today,
    asker: escapeTagContent(asText(input.asker)),
    history: renderHistory(input.history ?? []),
    roster: rosterText(input.roster),
    question: escapeTagContent(input.question),
  };
  const prompt = fillPlaceholders(tpl.body, values);
  const prefix = fillPlaceholders(staticPrefixOf(tpl.body), values);
  return { system: tpl.system, prompt, cacheablePrefixChars: prompt.startsWith(prefix) ? prefix.length : 0 };
}

export interface SummaryPromptInput {
  readonly question: string;
  readonly asker: Asker;
  readonly today: string;
  readonly sql: string;
  readonly rows: readonly Row[];
  /** Earlier turns of the conversation, oldest first. */
  readonly history?: readonly Turn[];
  readonly roster?: Roster;
  /** "What I looked up", derived from the validated SQL. */
  readonly interpretation?: string;
}

/** Renders the summary template; rows go in as escaped JSON so their text stays data. */
export function renderSummaryPrompt(tpl: PromptTemplate, input: SummaryPromptInput): RenderedPrompt {
  const values = {
    today: input.today,
    asker: escapeTagContent(asText(input.asker)),
    question: escapeTagContent(input.question),
    sql: escapeTagContent(input.sql),
    row_count: String(input.rows.length),
    rows: escapeTagContent(JSON.stringify(input.rows)),
    history: renderHistory(input.history ?? []),
    roster: rosterText(input.roster),
    interpretation: escapeTagContent(input.interpretation ?? ''),
  };
  return { system: tpl.system, prompt: fillPlaceholders(tpl.body, values) };
}
