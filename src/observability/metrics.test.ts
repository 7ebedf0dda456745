import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { AskTelemetry } from '../core/ask-result.ts';
import { captureJsonLines } from './capture.ts';
import { createAskMetrics, estimateCostUsd, METRICS_NAMESPACE, MetricName } from './metrics.ts';

interface EmfLine {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
  };
  [key: string]: unknown;
}

function newMetrics() {
  // POWERTOOLS_DEV would disable metrics; the test wants the real EMF output.
  delete process.env.POWERTOOLS_DEV;
  return createAskMetrics({
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'claims-assistant' }),
    // Claude 3 Sonnet on-demand list price, the configured default.
    prices: { inputPer1k: 0.003, outputPer1k: 0.015 },
  });
}

function names(line: Record<string, unknown>): string[] {
  return (line as EmfLine)._aws.CloudWatchMetrics.flatMap((d) => d.Metrics.map((m) => m.Name));
}

const answered: AskTelemetry = {
  requestId: 'req-1',
  status: 'answered',
  code: 'OK',
  timings: { generate: 800, validate: 2, retrieve: 40, summarize: 600, total: 1442 },
  rowCount: 3,
  tokens: { sql: { inputTokens: 2000, outputTokens: 100 }, summary: { inputTokens: 1000, outputTokens: 200 } },
  modelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
  templateVersions: { sql: 1, summary: 1 },
};

describe('ask metrics', () => {
  it('recordAsk emits one EMF line with the ask metrics in the ClaimsAssistant namespace', async () => {
    const m = newMetrics();
    const lines = await captureJsonLines(() => {
      m.recordAsk(answered);
      m.flush();
    });
    assert.equal(lines.length, 1);
    const [line] = lines as unknown as EmfLine[];
    assert.ok(line);
    assert.equal(line._aws.CloudWatchMetrics[0]?.Namespace, 'ClaimsAssistant');
    assert.deepEqual(
      names(line).sort(),
      [
        MetricName.ANSWERED,
        MetricName.ASK_LATENCY,
        MetricName.ASKS,
        MetricName.COST_PER_ANSWER,
        MetricName.DB_LATENCY,
        MetricName.INPUT_TOKENS_SQL,
        MetricName.INPUT_TOKENS_SUMMARY,
        MetricName.LLM_LATENCY_SQL,
        MetricName.LLM_LATENCY_SUMMARY,
        MetricName.OUTPUT_TOKENS_SQL,
        MetricName.OUTPUT_TOKENS_SUMMARY,
        MetricName.ROWS_RETURNED,
        MetricName.VALIDATE_LATENCY,
      ].sort(),
    );
    assert.equal(line[MetricName.LLM_LATENCY_SQL], 800);
    assert.equal(line[MetricName.INPUT_TOKENS_SQL], 2000);
    // (2000+1000)/1000*0.003 + (100+200)/1000*0.015 = 0.009 + 0.0045
    assert.ok(Math.abs((line[MetricName.COST_PER_ANSWER] as number) - 0.0135) < 1e-9);
    assert.equal(line.service, 'claims-assistant');
    assert.equal(line.requestId, 'req-1');
  });

  it('a validator rejection counts by rule and as a refusal by reason code', async () => {
    const m = newMetrics();
    const lines = await captureJsonLines(() => {
      m.recordAsk({
        ...answered,
        status: 'refused',
        code: 'SQL_WRONG_MEMBER',
        timings: { generate: 700, validate: 1, total: 701 },
        rowCount: 0,
        tokens: { sql: { inputTokens: 1500, outputTokens: 80 } },
      });
      m.flush();
    });
    const rejection = lines.find((l) => names(l).includes(MetricName.VALIDATOR_REJECTIONS));
    assert.ok(rejection, JSON.stringify(lines));
    assert.equal(rejection.Rule, 'SQL_WRONG_MEMBER');
    assert.deepEqual((rejection as unknown as EmfLine)._aws.CloudWatchMetrics[0]?.Dimensions[0]?.sort(), [
      'Rule',
      'service',
    ]);
    const refusal = lines.find((l) => names(l).includes(MetricName.REFUSALS));
    assert.ok(refusal);
    assert.equal(refusal.ReasonCode, 'SQL_WRONG_MEMBER');
    const main = lines.find((l) => names(l).includes(MetricName.ASKS));
    assert.ok(main);
    assert.equal(names(main).includes(MetricName.ANSWERED), false);
    assert.equal(names(main).includes(MetricName.DB_LATENCY), false);
  });

  it('an error ask counts under Errors by reason code', async () => {
    const m = newMetrics();
    const lines = await captureJsonLines(() => {
      m.recordAsk({ ...answered, status: 'error', code: 'LLM_ERROR', tokens: {}, timings: { total: 5 } });
      m.flush();
    });
    const errors = lines.find((l) => names(l).includes(MetricName.ERRORS));
    assert.ok(errors);
    assert.equal(errors.ReasonCode, 'LLM_ERROR');
    assert.equal(
      lines.some((l) => names(l).includes(MetricName.COST_PER_ANSWER)),
      false,
    );
  });

  it('flush with nothing recorded prints nothing', async () => {
    const m = newMetrics();
    assert.deepEqual(await captureJsonLines(() => m.flush()), []);
  });

  it('no cost metric until prices are set; then the set prices are used', async () => {
    delete process.env.POWERTOOLS_DEV;
    const m = createAskMetrics({
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'claims-assistant' }),
    });
    const before = await captureJsonLines(() => {
      m.recordAsk(answered);
      m.flush();
    });
    assert.ok(!before.some((l) => names(l).includes(MetricName.COST_PER_ANSWER)));
    m.setPrices({ inputPer1k: 0.01, outputPer1k: 0.1 });
    const after = await captureJsonLines(() => {
      m.recordAsk(answered);
      m.flush();
    });
    const line = after.find((l) => names(l).includes(MetricName.COST_PER_ANSWER));
    // 3000 input and 300 output tokens: 0.03 + 0.03
    assert.ok(Math.abs((line?.[MetricName.COST_PER_ANSWER] as number) - 0.06) < 1e-9);
  });

  it('prompt-cache reads and writes are counted and priced at their own rates', async () => {
    delete process.env.POWERTOOLS_DEV;
    const m = createAskMetrics({
      metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'claims-assistant' }),
      prices: { inputPer1k: 0.003, outputPer1k: 0.015, cacheReadPer1k: 0.0003, cacheWritePer1k: 0.00375 },
    });
    const cached: AskTelemetry = {
      ...answered,
      tokens: {
        sql: { inputTokens: 150, outputTokens: 100, cacheReadInputTokens: 1850 },
        summary: { inputTokens: 1000, outputTokens: 200 },
      },
    };
    const lines = await captureJsonLines(() => {
      m.recordAsk(cached);
      m.flush();
    });
    const line = lines.find((l) => names(l).includes(MetricName.CACHE_READ_TOKENS_SQL));
    assert.ok(line, JSON.stringify(lines));
    assert.equal(line[MetricName.CACHE_READ_TOKENS_SQL], 1850);
    assert.equal(line[MetricName.INPUT_TOKENS_SQL], 150);
    // 150 × 0.003 + 1850 × 0.0003 + 100 × 0.015 + 1000 × 0.003 + 200 × 0.015, per 1000
    const expected = (150 * 0.003 + 1850 * 0.0003 + 100 * 0.015 + 1000 * 0.003 + 200 * 0.015) / 1000;
    assert.ok(Math.abs((line[MetricName.COST_PER_ANSWER] as number) - expected) < 1e-12);
    const uncached = estimateCostUsd(answered.tokens, { inputPer1k: 0.003, outputPer1k: 0.015 });
    assert.ok((line[MetricName.COST_PER_ANSWER] as number) < uncached, 'the cache makes the answer cheaper');
    const write = estimateCostUsd(
      { sql: { inputTokens: 150, outputTokens: 100, cacheWriteInputTokens: 1850 } },
      { inputPer1k: 0.003, outputPer1k: 0.015, cacheWritePer1k: 0.00375 },
    );
    assert.ok(Math.abs(write - (150 * 0.003 + 1850 * 0.00375 + 100 * 0.015) / 1000) < 1e-12);
  });

  it('estimateCostUsd adds both calls at the per-1K prices', () => {
    const cost = estimateCostUsd(
      { sql: { inputTokens: 1000, outputTokens: 100 }, summary: { inputTokens: 500, outputTokens: 50 } },
      { inputPer1k: 0.01, outputPer1k: 0.1 },
    );
    assert.ok(Math.abs(cost - (0.01 + 0.01 + 0.005 + 0.005)) < 1e-12);
  });
});
