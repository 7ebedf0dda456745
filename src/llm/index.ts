/** The `llm` port's adapters: Bedrock, the offline engine, the local stand-in, and the prompt tags. */
export { BedrockLlm, type BedrockLlmOptions, bedrockLlmFromEnv, toLlmError } from './bedrock.ts';
export { LlmError, LlmErrorKind } from './errors.ts';
export { OFFLINE_MODEL_ID, OfflineLlm, offlineReply, purposeOf } from './offline/index.ts';
export { escapeTagContent, readTag, stripExamples, unescapeTagContent } from './prompt-tags.ts';
export {
  type BedrockStandin,
  type StandinOptions,
  type StandinRequest,
  type StandinResponder,
  startBedrockStandin,
} from './standin.ts';
