/**
 * The validator step (test/deploy/validate-stack.ts) itself: its accepted-findings table parses,
 * its verdict logic holds, and each validator really reports problems in a small faulty template,
 * so a green run cannot come from validators that check nothing. (The step on the real template
 * runs in .ci/run: npm run validate:stack.)
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from './package.ts';
import {
  type AcceptedFinding,
  type Finding,
  judge,
  parseAccepted,
  runCdkNag,
  runCfnGuard,
  runCfnValidate,
  VALIDATORS,
} from './validate-stack.ts';

let dir: string;
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'claims-validators-'));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function templateFile(name: string, resources: Record<string, unknown>): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Resources: resources }));
  return file;
}

describe('accepted findings table (docs/deploy.md)', () => {
  it('parses, names known validators, and gives every row resources and a reason', async () => {
    const rows = parseAccepted(await readFile(path.join(ROOT, 'docs', 'deploy.md'), 'utf8'));
    assert.ok(rows.length >= 10, `${rows.length} rows`);
    for (const row of rows) {
      assert.ok((VALIDATORS as readonly string[]).includes(row.validator), row.validator);
      assert.ok(row.resources.length > 0, `${row.rule}: resources`);
      assert.ok(row.reason.length >= 20, `${row.rule}: reason "${row.reason}"`);
    }
  });

  it('fails on a table without its markers', () => {
    assert.throws(() => parseAccepted('# nothing here'), /accepted-findings/);
  });
});

describe('verdict', () => {
  const finding = (rule: string, resource: string, validator = 'AwsSolutions'): Finding => ({
    validator,
    rule,
    resource,
    severity: 'error',
    message: 'm',
  });
  const row = (rule: string, resources: string[], validator = 'AwsSolutions'): AcceptedFinding => ({
    validator,
    rule,
    resources,
    reason: 'a reason long enough to be one',
  });

  it('accepts by validator, rule (also with a [finding] suffix) and resource glob; the rest stays open', () => {
    const verdict = judge(
      [
        finding('AwsSolutions-IAM4[Policy::arn:aws:iam::aws:policy/X]', 'AskRole'),
        finding('AwsSolutions-IAM4', 'AskBucket'),
        finding('AwsSolutions-IAM4', 'AskRole', 'HIPAA.Security'),
        finding('AwsSolutions-IAM45', 'AskRole'),
      ],
      [row('AwsSolutions-IAM4', ['*Role'])],
    );
    assert.deepEqual(
      verdict.accepted.map((f) => f.rule),
      ['AwsSolutions-IAM4[Policy::arn:aws:iam::aws:policy/X]'],
    );
    assert.deepEqual(
      verdict.open.map((f) => `${f.validator} ${f.rule} ${f.resource}`),
      [
        'AwsSolutions AwsSolutions-IAM4 AskBucket',
        'HIPAA.Security AwsSolutions-IAM4 AskRole',
        'AwsSolutions AwsSolutions-IAM45 AskRole',
      ],
    );
    assert.deepEqual(verdict.stale, []);
  });

  it('reports a row that matches nothing as stale', () => {
    const stale = row('AwsSolutions-S1', ['FrontendBucket']);
    assert.deepEqual(judge([], [stale]).stale, [stale]);
  });
});

describe('the validators find real problems', () => {
  it('cfn-validate and cdk-nag refuse a security-group cycle (the first serverless.yml had one)', async () => {
    const file = await templateFile('cycle.json', {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      DbSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'db',
          VpcId: { Ref: 'Vpc' },
          SecurityGroupIngress: [
            {
              IpProtocol: 'tcp',
              FromPort: 5432,
              ToPort: 5432,
              SourceSecurityGroupId: { Ref: 'RotationSecurityGroup' },
            },
          ],
        },
      },
      RotationSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: {
          GroupDescription: 'rotation',
          VpcId: { Ref: 'Vpc' },
          SecurityGroupEgress: [
            { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: { Ref: 'DbSecurityGroup' } },
          ],
        },
      },
    });
    const cfn = runCfnValidate(file);
    assert.deepEqual(
      cfn.filter((f) => f.rule === 'F3004').map((f) => [f.severity, f.resource]),
      [
        ['error', 'DbSecurityGroup'],
        ['error', 'RotationSecurityGroup'],
      ],
    );
    const nag = runCdkNag(file);
    assert.deepEqual(
      nag.map((f) => [f.validator, f.rule, f.severity]),
      [['cdk-nag', 'CfnInclude', 'error']],
    );
    assert.match(nag[0]?.message ?? '', /cycle/i);
  });

  it('cfn-guard (Control Tower) and the cdk-nag packs flag an unencrypted log group and an open bucket', async () => {
    const file = await templateFile('weak.json', {
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 7 } },
      Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
    });
    const guard = runCfnGuard(file);
    const guardRules = new Set(guard.map((f) => `${f.rule} ${f.resource}`));
    assert.ok(guardRules.has('cloudwatch_log_group_encrypted_check Logs'), [...guardRules].join('\n'));
    assert.ok(guardRules.has('s3_bucket_level_public_access_prohibited_check Bucket'), [...guardRules].join('\n'));
    const nag = runCdkNag(file);
    const nagRules = new Set(nag.map((f) => `${f.validator} ${f.rule.replace(/\[.*$/, '')} ${f.resource}`));
    for (const expected of [
      'AwsSolutions AwsSolutions-S1 Bucket',
      'AwsSolutions AwsSolutions-S10 Bucket',
      'HIPAA.Security HIPAA.Security-CloudWatchLogGroupEncrypted Logs',
      'HIPAA.Security HIPAA.Security-S3BucketLoggingEnabled Bucket',
    ]) {
      assert.ok(nagRules.has(expected), `${expected} in:\n${[...nagRules].join('\n')}`);
    }
  });
});
