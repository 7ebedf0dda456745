/**
 * The one LLM factory: LLM_PROVIDER picks the adapter, the same way in Lambda and locally.
 * Another provider is one more adapter in src/llm/ and one more entry in PROVIDERS (and its name
 * in the config's LLM_PROVIDERS).
 */
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { ConfigError, type LlmConfig, type LlmProvider } from '../config/config.ts';
import type { Llm } from '../core/ports.ts';
import { BedrockLlm } from '../llm/bedrock.ts';
import { OFFLINE_MODEL_ID } from '../llm/offline/engine.ts';
import type { BedrockStandin } from '../llm/standin.ts';

/** Parts the platform adds: Lambda wraps AWS clients for X-Ray. */
export interface LlmParts {
  readonly instrument?: (client: BedrockRuntimeClient) => BedrockRuntimeClient;
}

export interface LlmSetup {
  readonly llm: Llm;
  /** The model the SQL step runs on (eval jobs reuse a baseline only from the same model). */
  readonly modelId: string;
  /** Where the model is: 'bedrock' (Amazon Bedrock), or the endpoint's URL (the stand-in's, offline). */
  readonly endpoint: string;
  /** The offline engine's Bedrock stand-in (tests script its replies). */
  readonly standin?: BedrockStandin;
  close(): Promise<void>;
}

/**
 * Throws a ConfigError when the chosen provider lacks a setting it needs; the functions that
 * call a model check this at start, the others (health, migrate) never build one.
 */
export function checkLlmConfig(config: LlmConfig): void {
  const { sqlModelId, summaryModelId } = config.bedrock;
  if (config.provider === 'bedrock' && (!sqlModelId || !summaryModelId))
    throw new ConfigError(
      'configuration: BEDROCK_MODEL_ID is required when LLM_PROVIDER is bedrock (or both BEDROCK_SQL_MODEL_ID and BEDROCK_SUMMARY_MODEL_ID)',
    );
}

/** The model id the SQL step runs on, known without building the client. */
export function sqlModelId(config: LlmConfig): string | undefined {
  return config.provider === 'offline' ? OFFLINE_MODEL_ID : config.bedrock.sqlModelId;
}

function bedrock(config: LlmConfig, parts: LlmParts, endpoint = config.bedrock.endpoint): BedrockLlm {
  const { sqlModelId, summaryModelId, region, maxAttempts, promptCache } = config.bedrock;
  return new BedrockLlm({
    modelId: sqlModelId ?? '',
    modelIds: { summary: summaryModelId },
    region,
    maxAttempts,
    promptCache,
    ...(endpoint ? { endpoint } : {}),
    ...(parts.instrument ? { instrument: parts.instrument } : {}),
  });
}

const PROVIDERS: Readonly<Record<LlmProvider, (config: LlmConfig, parts: LlmParts) => Promise<LlmSetup>>> = {
  /** Amazon Bedrock's Converse API, or a Bedrock-compatible endpoint (BEDROCK_ENDPOINT). */
  bedrock: async (config, parts) => {
    const llm = bedrock(config, parts);
    return {
      llm,
      modelId: llm.modelId,
      endpoint: config.bedrock.endpoint ?? 'bedrock',
      close: async () => llm.destroy(),
    };
  },
  /**
   * The deterministic offline engine, served by the Bedrock stand-in on loopback and called
   * through the same Bedrock adapter and AWS SDK as production: no account, no network.
   */
  offline: async (config, parts) => {
    const { startBedrockStandin } = await import('../llm/standin.ts');
    const standin = await startBedrockStandin();
    // The stand-in takes cache checkpoints and reports cache tokens as Bedrock does, so the
    // offline path exercises prompt caching too (unless BEDROCK_PROMPT_CACHE=off).
    const promptCache = config.bedrock.promptCache === 'off' ? ('off' as const) : ('on' as const);
    const offline = {
      ...config,
      bedrock: { ...config.bedrock, sqlModelId: OFFLINE_MODEL_ID, summaryModelId: OFFLINE_MODEL_ID, promptCache },
    };
    const llm = bedrock(offline, parts, standin.url);
    return {
      llm,
      modelId: OFFLINE_MODEL_ID,
      endpoint: standin.url,
      standin,
      close: async () => {
        llm.destroy();
        await standin.stop();
      },
    };
  },
};

/**
 * The configured model.
 * @example
 * const { llm, close } = await createLlm(config.llm);
 */
export async function createLlm(config: LlmConfig, parts: LlmParts = {}): Promise<LlmSetup> {
  checkLlmConfig(config);
  return PROVIDERS[config.provider](config, parts);
}

/**
 * A model built on first use (Lambda: the first ask pays for it, the health function never does).
 * A failed build is retried on the next call.
 */
export function lazyLlm(make: () => Promise<LlmSetup>): Llm {
  let setup: Promise<LlmSetup> | undefined;
  const built = () => {
    setup ??= make().catch((err) => {
      setup = undefined;
      throw err;
    });
    return setup;
  };
  return {
    generate: async (req, opts) => (await built()).llm.generate(req, opts),
    // Streams when the built model can; otherwise the whole reply arrives as one piece.
    stream: async (req, onText, opts) => {
      const { llm } = await built();
      if (llm.stream) return llm.stream(req, onText, opts);
      const reply = await llm.generate(req, opts);
      onText(reply.text);
      return reply;
    },
  };
}
