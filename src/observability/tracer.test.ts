import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Tracer } from '@aws-lambda-powertools/tracer';
import AWSXRay from 'aws-xray-sdk-core';
import { tracer, traceStage } from './tracer.ts';

describe('traceStage', () => {
  it('outside Lambda the tracer is off and traceStage is a plain call', async () => {
    assert.equal(tracer.isTracingEnabled(), false);
    assert.equal(await traceStage('generate', async () => 7), 7);
    await assert.rejects(
      traceStage('retrieve', async () => {
        throw new RangeError('x');
      }),
      RangeError,
    );
  });

  it('in Lambda it records one closed subsegment per stage, errors by name only', async () => {
    const saved = process.env.AWS_EXECUTION_ENV;
    process.env.AWS_EXECUTION_ENV = 'AWS_Lambda_nodejs22.x';
    try {
      const t = new Tracer({ serviceName: 'claims-assistant' });
      assert.equal(t.isTracingEnabled(), true);
      const root = new AWSXRay.Segment('ask');
      await t.provider.getNamespace().runPromise(async () => {
        t.setSegment(root);
        assert.equal(await traceStage('generate', async () => 'sql', t), 'sql');
        await assert.rejects(
          traceStage(
            'retrieve',
            async () => {
              throw new TypeError('value "Jane Doe" is not a bigint');
            },
            t,
          ),
          TypeError,
        );
        assert.equal(t.getSegment(), root, 'the parent segment is restored');
      });
      const subs = (root.subsegments ?? []) as unknown as {
        name: string;
        in_progress?: boolean;
        error?: boolean;
        annotations?: Record<string, unknown>;
      }[];
      assert.deepEqual(
        subs.map((s) => s.name),
        ['### generate', '### retrieve'],
      );
      assert.ok(subs.every((s) => !s.in_progress));
      assert.equal(subs[1]?.error, true);
      assert.deepEqual(subs[1]?.annotations, { errorName: 'TypeError' });
      assert.ok(!JSON.stringify(subs).includes('Jane'));
    } finally {
      if (saved === undefined) delete process.env.AWS_EXECUTION_ENV;
      else process.env.AWS_EXECUTION_ENV = saved;
    }
  });
});
