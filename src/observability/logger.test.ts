import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import type { AskTelemetry } from '../core/ask-result.ts';
import { captureJsonLines } from './capture.ts';
import { ASK_LOG_KEYS, createSafeLogger, REDACTED, sanitizeFields } from './logger.ts';

const capture = captureJsonLines;

function newLogger() {
  return createSafeLogger({ logger: new Logger({ serviceName: 'claims-assistant' }), stage: 'test' });
}

const telemetry: AskTelemetry = {
  requestId: 'req-123',
  status: 'answered',
  code: 'OK',
  timings: { generate: 812, validate: 3, retrieve: 41, summarize: 655, total: 1515 },
  rowCount: 4,
  tokens: {
    sql: { inputTokens: 180, outputTokens: 61, cacheReadInputTokens: 1650, cacheWriteInputTokens: 0 },
    summary: { inputTokens: 540, outputTokens: 88 },
  },
  modelId: 'anthropic.claude-3-sonnet-20240229-v1:0',
  templateVersions: { sql: 3, summary: 2 },
};

/** Keys Powertools adds to every line outside Lambda, and our persistent `stage`. */
const POWERTOOLS_KEYS = ['level', 'message', 'timestamp', 'service', 'sampling_rate', 'stage'];

describe('safe logger', () => {
  it('logAsk emits exactly the allowlisted ask keys', async () => {
    const [line, ...rest] = await capture(() => newLogger().logAsk(telemetry));
    assert.equal(rest.length, 0);
    assert.ok(line);
    assert.equal(line.message, 'ask_completed');
    const askKeys = ASK_LOG_KEYS.filter((k) => k !== 'redactedCount');
    assert.deepEqual(
      Object.keys(line)
        .filter((k) => !POWERTOOLS_KEYS.includes(k) && k !== 'xray_trace_id')
        .sort(),
      [...askKeys].sort(),
    );
    assert.equal(line.totalMs, 1515);
    assert.equal(line.sqlInputTokens, 180);
    assert.equal(line.sqlCacheReadTokens, 1650);
    assert.equal(line.reasonCode, 'OK');
    assert.equal(line.modelId, 'anthropic.claude-3-sonnet-20240229-v1:0');
  });

  it('logAsk never carries answer, SQL or rows even if the object has them', async () => {
    const withPhi = {
      ...telemetry,
      answer: 'Jane Doe saw Dr. Smith on 2024-03-02',
      sql: "SELECT * FROM claims_history WHERE member_name = 'Jane Doe'",
      rows: [{ member_name: 'Jane Doe' }],
      question: 'what did jane pay',
    } as AskTelemetry;
    const [line] = await capture(() => newLogger().logAsk(withPhi));
    const text = JSON.stringify(line);
    assert.ok(!text.includes('Jane'), text);
    assert.ok(!text.includes('SELECT'), text);
  });

  it('logAsk redacts a request id that is not identifier-like', async () => {
    const [line] = await capture(() => newLogger().logAsk({ ...telemetry, requestId: 'my name is Jane Doe' }));
    assert.ok(line);
    assert.equal(line.requestId, REDACTED);
    assert.equal(line.redactedCount, 1);
  });

  it('logEvent redacts values with spaces, SQL or names, and drops unknown keys', async () => {
    const [line] = await capture(() =>
      newLogger().logEvent('llm_call', {
        reasonCode: 'SQL_NOT_SELECT',
        errorName: 'DROP TABLE claims_history; --',
        modelId: 'Jane Doe',
        durationMs: 120,
        mapped: true,
        // A caller bypassing the types (e.g. from JS) still cannot add a free-text field.
        ...({ question: 'how much did I pay for Lipitor' } as object),
      }),
    );
    assert.ok(line);
    assert.equal(line.message, 'llm_call');
    assert.equal(line.reasonCode, 'SQL_NOT_SELECT');
    assert.equal(line.errorName, REDACTED);
    assert.equal(line.modelId, REDACTED);
    assert.equal(line.durationMs, 120);
    assert.equal(line.mapped, true);
    assert.equal(line.stage, 'test');
    assert.equal('question' in line, false);
    assert.equal(line.redactedCount, 3);
    assert.ok(!JSON.stringify(line).includes('Lipitor'));
  });

  it('logError logs the error name and code, never its message', async () => {
    const error = Object.assign(new Error('invalid input syntax for type bigint: "Jane Doe"'), { code: '22P02' });
    const [line] = await capture(() => newLogger().logError('handler_error', error, { pipelineStage: 'retrieve' }));
    assert.ok(line);
    assert.equal(line.level, 'ERROR');
    assert.equal(line.errorName, 'Error');
    assert.equal(line.errorCode, '22P02');
    assert.ok(!JSON.stringify(line).includes('Jane'));
  });

  it('sanitizeFields rejects non-finite numbers and objects', async () => {
    const { fields, redactedCount } = sanitizeFields({ durationMs: Number.NaN, count: { a: 1 }, rowCount: 2 });
    assert.deepEqual(fields, { durationMs: REDACTED, count: REDACTED, rowCount: 2 });
    assert.equal(redactedCount, 2);
  });
});
