/**
 * X-Ray tracing through Powertools. Outside Lambda (tests, `claims serve`) the tracer disables
 * itself (no AWS_EXECUTION_ENV, or POWERTOOLS_TRACE_ENABLED=false), and every helper here
 * becomes a plain call.
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { SAFE_STRING, SERVICE_NAME } from './logger.ts';

/** The process-wide tracer. */
export const tracer: Tracer = new Tracer({ serviceName: SERVICE_NAME });

/**
 * Instruments an AWS SDK v3 client (e.g. the Bedrock runtime client) so each call gets a
 * subsegment. Only call metadata is recorded (operation, status, latency), never the payload.
 *
 * @example
 * const bedrock = traceAwsClient(new BedrockRuntimeClient({}));
 */
export function traceAwsClient<T>(client: T, t: Tracer = tracer): T {
  return t.isTracingEnabled() ? t.captureAWSv3Client(client) : client;
}

/**
 * Runs `fn` inside a subsegment named `### <name>` (the Powertools convention), so a trace shows
 * where an ask spent its time. Errors are flagged with their name only: messages can quote
 * member data.
 *
 * @example
 * const sql = await traceStage('generate', () => generateSql(question));
 */
export async function traceStage<T>(name: string, fn: () => Promise<T>, t: Tracer = tracer): Promise<T> {
  if (!t.isTracingEnabled()) return fn();
  const parent = t.getSegment();
  if (!parent) return fn();
  const subsegment = parent.addNewSubsegment(`### ${SAFE_STRING.test(name) ? name : 'stage'}`);
  t.setSegment(subsegment);
  try {
    return await fn();
  } catch (error) {
    subsegment.addErrorFlag();
    const errorName = error instanceof Error && SAFE_STRING.test(error.name) ? error.name : 'Error';
    subsegment.addAnnotation('errorName', errorName);
    throw error;
  } finally {
    subsegment.close();
    t.setSegment(parent);
  }
}

/** Annotates the current segment with ColdStart and Service (no-op when tracing is off). */
export function annotateInvocation(t: Tracer = tracer): void {
  if (!t.isTracingEnabled()) return;
  t.annotateColdStart();
  t.addServiceNameAnnotation();
}
