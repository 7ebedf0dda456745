/**
 * Published speed figures for the models the stack is configured with (serverless.yml
 * `bedrockModelId`), for the latency-modelled Bedrock stand-in. Medians as published; they vary
 * by region, prompt length and time of day, so they model "a typical call", not a guarantee.
 */
import type { StandinLatency } from '../../src/llm/standin.ts';

export interface ModelLatency extends StandinLatency {
  readonly modelId: string;
  readonly source: string;
}

export const MODEL_LATENCY: readonly ModelLatency[] = [
  {
    modelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
    firstTokenMs: 760,
    tokensPerSecond: 60,
    source:
      'Artificial Analysis, "Claude 3 Sonnet: API Provider Benchmarking" (artificialanalysis.ai/models/claude-3-sonnet/providers): Amazon Bedrock, median latency (TTFT) 0.76 s, output speed 60 tokens/s',
  },
];

/** The figures for a model id (the configured one by default). */
export function modelLatency(modelId = MODEL_LATENCY[0]?.modelId): ModelLatency {
  const found = MODEL_LATENCY.find((m) => m.modelId === modelId);
  if (!found) throw new Error(`no published latency figures for ${modelId}`);
  return found;
}
