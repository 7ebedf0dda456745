/**
 * The eval job starter on Lambda: the admin function returns as soon as it answers, and Lambda
 * freezes it, so a job cannot run there after the response. Instead the admin function invokes
 * the eval runner function asynchronously (InvocationType 'Event': Lambda queues the event,
 * answers 202 at once and retries delivery) with `{ "evalJobId": "<uuid>" }`.
 */
import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { traceAwsClient } from '../observability/tracer.ts';
import { EvalStartError } from './errors.ts';
import type { EvalJobStarter } from './eval-jobs.ts';

/** The event the eval runner receives. */
export interface EvalRunnerEvent {
  readonly evalJobId: string;
}

/**
 * A starter that invokes `functionName` asynchronously.
 * @example
 * const starter = lambdaInvokeStarter('claims-assistant-prod-evalRunner');
 * await starter.start(jobId); // the runner gets { evalJobId: jobId }
 */
export function lambdaInvokeStarter(
  functionName: string,
  client: LambdaClient = traceAwsClient(new LambdaClient({})),
): EvalJobStarter {
  return {
    async start(jobId) {
      const event: EvalRunnerEvent = { evalJobId: jobId };
      const out = await client.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
      if (out.StatusCode !== 202) throw new EvalStartError(`async invoke answered ${out.StatusCode}`);
    },
  };
}

/**
 * The Lambda starter when a runner function is named (EVAL_RUNNER_FUNCTION, passed by the
 * wiring); undefined otherwise (jobs then run in this process, as locally).
 * @example
 * new EvalJobs(deps, { starter: evalStarter(config.eval.runnerFunction) });
 */
export function evalStarter(
  functionName: string | undefined,
  config: LambdaClientConfig = {},
): EvalJobStarter | undefined {
  const name = functionName?.trim();
  if (!name) return undefined;
  return lambdaInvokeStarter(name, traceAwsClient(new LambdaClient(config)));
}
