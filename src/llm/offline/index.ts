/** The offline engine's public surface. */
export {
  estimateTokens,
  NULL_SQL_REPLY,
  OFFLINE_MODEL_ID,
  OfflineLlm,
  offlineReply,
  parseAsker,
  purposeOf,
} from './engine.ts';
export { formatMoney } from './money.ts';
export { type Intent, Measure, type ParseResult, parseQuestion, RefusalReason } from './question.ts';
export { writeSql } from './sql-writer.ts';
export { summarize } from './summary.ts';
