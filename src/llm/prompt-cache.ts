/**
 * Which Bedrock models take prompt-cache checkpoints (Converse `cachePoint` blocks). A checkpoint
 * sent to a model without prompt caching is a ValidationException, so the adapter only sends one
 * when the model is known to support it (BEDROCK_PROMPT_CACHE=auto) or when told to (`on`).
 *
 * Source: the Amazon Bedrock user guide, "Prompt caching for faster model inference" (supported
 * models, minimum tokens per checkpoint). Check it when adding a model; a model missing here only
 * costs the cache's saving, never a failed call.
 */

/** Foundation-model id prefixes (without a cross-Region inference profile's `us.` / `eu.` / … prefix). */
export const PROMPT_CACHE_MODELS: readonly string[] = [
  'anthropic.claude-3-7-sonnet',
  'anthropic.claude-3-5-haiku',
  'anthropic.claude-sonnet-4',
  'anthropic.claude-opus-4',
  'anthropic.claude-haiku-4',
  'amazon.nova-micro',
  'amazon.nova-lite',
  'amazon.nova-pro',
  'amazon.nova-premier',
];

/** Cross-Region inference profile prefixes (`us.anthropic.…`, `global.anthropic.…`). */
const PROFILE_PREFIX = /^(us|eu|apac|jp|au|ca|us-gov|global)\./;

/**
 * The foundation model a model id, inference profile id or ARN names.
 * @example
 * foundationModelOf('arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0')
 * // 'anthropic.claude-sonnet-4-5-20250929-v1:0'
 */
export function foundationModelOf(modelId: string): string {
  const last = modelId.startsWith('arn:') ? (modelId.split('/').pop() ?? modelId) : modelId;
  return last.replace(PROFILE_PREFIX, '');
}

/**
 * True when Bedrock takes prompt-cache checkpoints for this model.
 * @example
 * supportsPromptCaching('us.anthropic.claude-sonnet-4-5-20250929-v1:0') // true
 * supportsPromptCaching('anthropic.claude-3-sonnet-20240229-v1:0')     // false
 */
export function supportsPromptCaching(modelId: string): boolean {
  const model = foundationModelOf(modelId);
  return PROMPT_CACHE_MODELS.some((prefix) => model.startsWith(prefix));
}
