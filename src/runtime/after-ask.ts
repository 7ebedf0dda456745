import type { Identity } from '../auth/identity.ts';
import { type AskResult, telemetryOf } from '../core/ask-result.ts';
import { AskStatus, Reason } from '../core/reasons.ts';
import type { AuditEntry } from '../db/member-db.ts';
import { safeLogger } from '../observability/logger.ts';
import { askMetrics } from '../observability/metrics.ts';
import { failedAsk } from '../pipeline/ask.ts';

/** The audit row of an error outcome gets at most this long (it does not hold the response back). */
const ERROR_AUDIT_MS = 500;

interface AuditSink {
  writeAudit(entry: AuditEntry): Promise<void>;
}

export interface AfterAskOptions {
  /** Attempts at the audit row, each on a fresh pooled connection when the last one broke (default 3). */
  readonly attempts?: number;
  /** All attempts together stay within this many ms, unless the caller gives less (default 1000). */
  readonly budgetMs?: number;
}

/**
 * The audit guarantee: **every answer a member receives has an `ask_audit` row.** The row is
 * written before the response leaves (retried briefly, on a fresh connection, within a fixed
 * budget). When it cannot be written, an ask that would have been delivered (answered,
 * needs_detail, refused, withheld) is not: the member gets a 503 `DB_UNAVAILABLE` ("try again
 * in a minute") instead, and an `answer_not_audited` line is logged. Error outcomes are
 * delivered either way (they carry nothing from the member's claims); their failed audit
 * write is logged as `audit_failed`.
 */
export function deliverable(result: AskResult, audited: boolean): AskResult {
  if (audited || result.status === AskStatus.ERROR) return result;
  return failedAsk(result.requestId, Reason.DB_UNAVAILABLE, result.timings.total);
}

/**
 * What happens after every ask, in production and locally alike: the audit row, one PHI-free
 * log line and the ask's metrics. Resolves to the result to send (see {@link deliverable}); never throws.
 */
export function afterAsk(audit: AuditSink, opts: AfterAskOptions = {}) {
  const attempts = opts.attempts ?? 3;
  const budgetMs = opts.budgetMs ?? 1000;
  return async (result: AskResult, identity: Identity, call: { timeoutMs?: number } = {}): Promise<AskResult> => {
    const entry: AuditEntry = {
      requestId: result.requestId,
      memberId: identity.memberId,
      personId: identity.personId,
      reasonCode: result.code,
      rowCount: result.rowCount,
      timings: result.timings,
      // The number guard's reason when it replaced the model's summary (a code, never a figure).
      ...(result.summaryGuard ? { summaryGuard: result.summaryGuard.reason } : {}),
    };
    // An error outcome is sent whatever happens to its row, and its cause is often the database
    // itself: a short try, so an outage does not make every failing ask slower.
    const timeoutMs = Math.min(
      call.timeoutMs ?? budgetMs,
      result.status === AskStatus.ERROR ? ERROR_AUDIT_MS : Infinity,
    );
    const audited = await writeWithRetry(audit, entry, attempts, timeoutMs);
    const final = deliverable(result, audited);
    if (final !== result)
      safeLogger.logEvent('answer_not_audited', { requestId: result.requestId, status: result.status });
    const telemetry = telemetryOf(final);
    safeLogger.logAsk(telemetry);
    // The answer stands, but the next follow-up will not see this turn (src/pipeline/conversation.ts).
    if ((result as { turnSaved?: boolean }).turnSaved === false)
      safeLogger.logEvent('conversation_turn_not_saved', { requestId: result.requestId });
    askMetrics.recordAsk(telemetry);
    return final;
  };
}

async function writeWithRetry(audit: AuditSink, entry: AuditEntry, attempts: number, budgetMs: number) {
  const until = Date.now() + budgetMs;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const left = until - Date.now();
    if (left <= 0) break;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        audit.writeAudit(entry),
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(Object.assign(new Error('audit write timed out'), { name: 'TimeoutError' })),
            left,
          );
        }),
      ]);
      return true;
    } catch (err) {
      safeLogger.logError('audit_failed', err, { requestId: entry.requestId, attempt });
      // A broken pooled connection is discarded by the pool; give the next attempt a moment.
      if (attempt < attempts)
        await new Promise((r) => setTimeout(r, Math.min(50 * 4 ** (attempt - 1), Math.max(0, until - Date.now()))));
    } finally {
      clearTimeout(timer);
    }
  }
  return false;
}
