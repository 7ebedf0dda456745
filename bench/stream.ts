/**
 * Streamed answers end to end, with a latency-modelled model: the Bedrock stand-in waits the
 * configured model's published time to first token and writes at its published tokens/second
 * (bench/lib/model-latency.ts), behind the real SDK (Converse for the SQL, ConverseStream for
 * the summary), the real handler and the local server's stream. A client asks over HTTP with
 * `Accept: text/event-stream` and records when the first word and the whole answer arrive.
 *
 *   first word after the model's first token   target: p95 <= 50 ms (the stream adds almost nothing)
 *   time to first word / to the full answer    from sending the question (report)
 *   the same questions as JSON                 time to the full answer without streaming (report)
 */
import { DEMO_MEMBER_IDS } from '../src/db/seed/lists.ts';
import { startBedrockStandin } from '../src/llm/standin.ts';
import { startLocalServer } from '../src/server/local.ts';
import { modelLatency } from './lib/model-latency.ts';
import { COMMON_QUESTIONS } from './lib/questions.ts';
import { latencyMeasure, type Measure, type PartResult } from './lib/results.ts';
import { round, summarize } from './lib/stats.ts';

export interface StreamBenchOptions {
  readonly asks: number;
  readonly databaseUrl: string;
}

/** Sends one question and times the events as they arrive. */
async function timedAsk(url: string, token: string, question: string, stream: boolean) {
  const t0 = performance.now();
  const res = await fetch(`${url}/v1/ask`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: stream ? 'text/event-stream' : 'application/json',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({ question }),
  });
  let firstWordAt: number | undefined;
  let text = '';
  const reader = res.body?.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const chunk = await reader?.read();
    if (!chunk || chunk.done) break;
    text += chunk.value;
    if (firstWordAt === undefined && /event: delta\ndata: \{"text":"[^"]*\S/.test(text))
      firstWordAt = performance.now();
  }
  const doneAt = performance.now();
  const status = stream
    ? /"status":"(\w+)"/.exec(text.slice(text.lastIndexOf('event: done')))?.[1]
    : JSON.parse(text).status;
  return { t0, firstWordAt, doneAt, status };
}

/**
 * @example const part = await benchStream({ asks: 12, databaseUrl });
 */
export async function benchStream(opts: StreamBenchOptions): Promise<PartResult> {
  const started = performance.now();
  const model = modelLatency();
  const standin = await startBedrockStandin({ latency: model });
  const server = await startLocalServer({
    databaseUrl: opts.databaseUrl,
    env: {
      LLM_PROVIDER: 'bedrock',
      BEDROCK_ENDPOINT: standin.url,
      BEDROCK_MODEL_ID: model.modelId,
      ASK_RATE_LIMIT: '100000',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  try {
    const member = DEMO_MEMBER_IDS.family;
    const token = await server.issuer.issue({ memberId: member, personId: `${member}-01` });
    const afterModel: number[] = [];
    const firstWord: number[] = [];
    const full: number[] = [];
    const fullJson: number[] = [];
    const answered: Record<string, number> = {};
    // One warm-up ask (connections, the template cache), then the measured ones.
    await timedAsk(server.url, token, COMMON_QUESTIONS[0] as string, true);
    for (let i = 0; i < opts.asks; i++) {
      const question = COMMON_QUESTIONS[i % COMMON_QUESTIONS.length] as string;
      const before = standin.streams.length;
      const r = await timedAsk(server.url, token, question, true);
      answered[r.status ?? 'none'] = (answered[r.status ?? 'none'] ?? 0) + 1;
      full.push(r.doneAt - r.t0);
      const summary = standin.streams.slice(before).find((s) => s.firstTokenAt !== undefined);
      if (r.firstWordAt !== undefined && summary?.firstTokenAt !== undefined) {
        firstWord.push(r.firstWordAt - r.t0);
        afterModel.push(r.firstWordAt - summary.firstTokenAt);
      }
      const j = await timedAsk(server.url, token, question, false);
      fullJson.push(j.doneAt - j.t0);
    }
    const figures = `${model.modelId}: first token ${model.firstTokenMs} ms, ${model.tokensPerSecond} tokens/s`;
    const measures: Measure[] = [
      latencyMeasure(
        {
          id: 'stream.first_word_after_model',
          part: 'stream',
          what: "first word at the client after the model's first token",
          target: 'p95 ≤ 50 ms',
          note: figures,
        },
        summarize(afterModel),
        (s) => s.p95 <= 50,
      ),
      latencyMeasure(
        {
          id: 'stream.time_to_first_word',
          part: 'stream',
          what: 'time to first word (streamed)',
          note: 'from sending the question',
        },
        summarize(firstWord),
      ),
      latencyMeasure(
        { id: 'stream.time_to_full_answer', part: 'stream', what: 'time to full answer (streamed)' },
        summarize(full),
      ),
      latencyMeasure(
        { id: 'stream.time_to_full_answer_json', part: 'stream', what: 'time to full answer (JSON, not streamed)' },
        summarize(fullJson),
      ),
    ];
    return {
      part: 'stream',
      measures,
      detail: { model, asks: opts.asks, answered, streamedWithWords: afterModel.length },
      seconds: round((performance.now() - started) / 1000, 1),
    };
  } finally {
    await server.stop();
    await standin.stop();
  }
}
