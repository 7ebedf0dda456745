/** The `llm` port's adapters: Bedrock, the offline engine, the local stand-in, and the prompt tags. */

export { escapeTagContent, readTag, stripExamples, unescapeTagContent } from '../core/prompt-tags.ts';
export { BedrockLlm, type BedrockLlmOptions, toLlmError } from './bedrock.ts';
export { LlmError, LlmErrorKind } from './errors.ts';
export { OFFLINE_MODEL_ID, OfflineLlm, offlineReply, purposeOf } from './offline/index.ts';
export {
  type BedrockStandin,
  parseStandinMode,
  type StandinMode,
  type StandinOptions,
  type StandinRequest,
  type StandinResponder,
  startBedrockStandin,
} from './standin.ts';
