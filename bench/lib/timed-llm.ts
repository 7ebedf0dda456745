/**
 * Wraps the zero-latency OfflineLlm: times each call (so the bench can subtract LLM time),
 * counts the rows each summary prompt carries, and can script the next SQL reply.
 */

import type { Llm, LlmRequest, LlmResponse } from '../../src/core/ports.ts';
import { readTag } from '../../src/core/prompt-tags.ts';

export class TimedLlm implements Llm {
  /** Milliseconds spent inside the wrapped model since the last `take()`. */
  #ms = 0;
  /** Rows in each summary prompt seen, in order. */
  readonly summaryRowCounts: number[] = [];
  #nextSql: string | undefined;

  constructor(private readonly inner: Llm) {}

  /** The next SQL-purpose call returns exactly this SQL (once). */
  scriptSql(sql: string): void {
    this.#nextSql = sql;
  }

  /** LLM milliseconds accumulated since the previous call, and resets the counter. */
  take(): number {
    const ms = this.#ms;
    this.#ms = 0;
    return ms;
  }

  async generate(req: LlmRequest): Promise<LlmResponse> {
    const t0 = performance.now();
    try {
      if (req.purpose === 'summary') {
        const rows = JSON.parse(readTag(req.prompt, 'rows') ?? '[]') as unknown[];
        this.summaryRowCounts.push(rows.length);
      }
      const scripted = req.purpose === 'sql' ? this.#nextSql : undefined;
      if (scripted !== undefined) {
        this.#nextSql = undefined;
        const reply = await this.inner.generate(req);
        return { ...reply, text: `<sql>${scripted}</sql>` };
      }
      return await this.inner.generate(req);
    } finally {
      this.#ms += performance.now() - t0;
    }
  }
}
