import type { Identity } from '../auth/identity.ts';
import { type AskResult, telemetryOf } from '../core/ask-result.ts';
import type { AuditEntry } from '../db/member-db.ts';
import { safeLogger } from '../observability/logger.ts';
import { askMetrics } from '../observability/metrics.ts';

interface AuditSink {
  writeAudit(entry: AuditEntry): Promise<void>;
}

/**
 * What happens after every ask, in production and locally alike: one PHI-free log line,
 * the ask's metrics, and an audit row. None of it may fail the member's answer.
 */
export function afterAsk(audit: AuditSink) {
  return async (result: AskResult, identity: Identity): Promise<void> => {
    const telemetry = telemetryOf(result);
    safeLogger.logAsk(telemetry);
    askMetrics.recordAsk(telemetry);
    try {
      await audit.writeAudit({
        requestId: result.requestId,
        memberId: identity.memberId,
        personId: identity.personId,
        reasonCode: result.code,
        rowCount: result.rowCount,
        timings: result.timings,
      });
    } catch (err) {
      safeLogger.logError('audit_failed', err, { requestId: result.requestId });
    }
  };
}
