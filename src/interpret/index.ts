/** The interpretation stage's public surface: "what I looked up", from validated SQL. */

export { answerFromRows } from './answer.ts';
export {
  type FilterKind,
  type Interpretation,
  type InterpretationParts,
  type InterpretContext,
  interpretSql,
  type MeasureKind,
  type PersonPart,
} from './interpret.ts';
