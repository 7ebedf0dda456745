/**
 * The model's state as the service has seen it: recorded from real calls, so `/v1/health` can
 * report it without calling the model on every probe (a probe every few seconds would cost
 * money and, against a hung model, hang itself).
 */
import type { CallOptions, Llm, LlmRequest, LlmResponse } from '../core/ports.ts';

/** `unknown`: no call yet; `failing`: the last few calls all failed; `ok` otherwise. */
export type ModelStatus = 'ok' | 'failing' | 'unknown';

export interface ModelHealthReport {
  readonly status: ModelStatus;
  /** ISO time of the last call that succeeded / failed. */
  readonly lastSuccessAt?: string;
  readonly lastFailureAt?: string;
  /** Failed calls since the last success. */
  readonly consecutiveFailures: number;
  /** `kind` of the last failure (timeout, unavailable, network, throttled, ...). */
  readonly lastFailureKind?: string;
}

/** This many failures in a row, with no success since, make the model `failing`. */
export const FAILING_AFTER = 3;

export class ModelHealth {
  #lastSuccess: number | undefined;
  #lastFailure: number | undefined;
  #lastKind: string | undefined;
  #consecutive = 0;

  constructor(private readonly now: () => number = Date.now) {}

  succeeded(): void {
    this.#lastSuccess = this.now();
    this.#consecutive = 0;
  }

  failed(err: unknown): void {
    this.#lastFailure = this.now();
    this.#consecutive += 1;
    const kind = (err as { kind?: unknown } | null)?.kind;
    this.#lastKind = typeof kind === 'string' ? kind : 'unknown';
  }

  /**
   * @example
   * health.report() // { status: 'failing', consecutiveFailures: 4, lastFailureKind: 'timeout', ... }
   */
  report(): ModelHealthReport {
    const status: ModelStatus =
      this.#consecutive >= FAILING_AFTER
        ? 'failing'
        : this.#lastSuccess === undefined && this.#lastFailure === undefined
          ? 'unknown'
          : 'ok';
    return {
      status,
      ...(this.#lastSuccess !== undefined ? { lastSuccessAt: new Date(this.#lastSuccess).toISOString() } : {}),
      ...(this.#lastFailure !== undefined ? { lastFailureAt: new Date(this.#lastFailure).toISOString() } : {}),
      consecutiveFailures: this.#consecutive,
      ...(this.#lastKind !== undefined && this.#consecutive > 0 ? { lastFailureKind: this.#lastKind } : {}),
    };
  }
}

/**
 * `llm` with every call's outcome recorded in `health`.
 * @example
 * const health = new ModelHealth();
 * const llm = withModelHealth(new BedrockLlm({ ... }), health);
 */
export function withModelHealth(llm: Llm, health: ModelHealth): Llm {
  const watched = async (call: () => Promise<LlmResponse>): Promise<LlmResponse> => {
    try {
      const out = await call();
      health.succeeded();
      return out;
    } catch (err) {
      health.failed(err);
      throw err;
    }
  };
  const stream = llm.stream?.bind(llm);
  return {
    generate: (req: LlmRequest, opts?: CallOptions) => watched(() => llm.generate(req, opts)),
    // Kept when the model streams: dropping it would turn every streamed answer into one late piece.
    ...(stream
      ? {
          stream: (req: LlmRequest, onText: (delta: string) => void, opts?: CallOptions) =>
            watched(() => stream(req, onText, opts)),
        }
      : {}),
  };
}
