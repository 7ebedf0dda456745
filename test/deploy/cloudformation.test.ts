/**
 * Packages serverless.yml offline (osls + serverless-esbuild, dummy credentials, no network to
 * AWS) and checks the generated CloudFormation template for the security properties the design
 * depends on. Packaging runs here, once, so this test never passes on a stale template.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OSLS = path.join(ROOT, 'node_modules', '.bin', 'osls');
const HANDLERS = ['ask', 'admin', 'eval-runner', 'health', 'migrate', 'pre-token'];
const FUNCTIONS = ['Ask', 'Admin', 'EvalRunner', 'Health', 'Migrate', 'PreToken'];
const MODEL_ID = 'anthropic.claude-3-sonnet-20240229-v1:0';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
}
interface Statement {
  Effect: string;
  Action?: Json;
  NotAction?: Json;
  Resource?: Json;
  Principal?: Json;
}

/** Renders a CloudFormation value to a string: Ref → <X>, GetAtt → <X.Y>, Join → joined. */
function render(value: Json | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map(render).join(',');
  if ('Ref' in value) return `<${render(value.Ref)}>`;
  if ('Fn::GetAtt' in value) return `<${(value['Fn::GetAtt'] as Json[]).map(render).join('.')}>`;
  if ('Fn::Join' in value) {
    const [sep, parts] = value['Fn::Join'] as [string, Json[]];
    return parts.map(render).join(sep);
  }
  return JSON.stringify(value);
}

function list(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

let template: { Resources: Record<string, Resource> };
let packageDir: string;

function resources(type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

function props(name: string): Record<string, Json> {
  const r = template.Resources[name];
  assert.ok(r, `resource ${name} exists`);
  return r.Properties ?? {};
}

/** Every policy statement in the template, with where it came from. */
function allStatements(): { where: string; statement: Statement }[] {
  const out: { where: string; statement: Statement }[] = [];
  const add = (where: string, doc: Json | undefined) => {
    if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return;
    for (const s of list(doc.Statement)) out.push({ where, statement: s as unknown as Statement });
  };
  for (const [name, r] of Object.entries(template.Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') {
      for (const policy of list(p.Policies)) add(`${name} inline`, (policy as { PolicyDocument: Json }).PolicyDocument);
    } else if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      add(name, p.PolicyDocument);
    } else if (r.Type === 'AWS::S3::BucketPolicy' || r.Type === 'AWS::EC2::VPCEndpoint') {
      add(name, p.PolicyDocument);
    }
  }
  return out;
}

function roleStatements(role: string): Statement[] {
  return list(props(role).Policies).flatMap((policy) =>
    list((policy as { PolicyDocument: { Statement: Json } }).PolicyDocument.Statement),
  ) as unknown as Statement[];
}

/**
 * Runs osls. On a build error osls prints it but does not exit, so an error line ends the run
 * at once instead of at the timeout.
 */
function runPackaging(args: string[], env: NodeJS.ProcessEnv): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve) => {
    const child = spawn(OSLS, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    let failed = false;
    const timer = setTimeout(() => {
      failed = true;
      text += '\n(timed out after 300 s)';
      child.kill('SIGKILL');
    }, 300_000);
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (!failed && /✘ \[ERROR\]|^Error:|\nError:/m.test(text)) {
        failed = true;
        // Let the rest of the message arrive, then stop the hung process.
        setTimeout(() => child.kill('SIGKILL'), 1000);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 && !failed, text });
    });
  });
}

before(
  async () => {
    const missing = HANDLERS.filter((h) => !existsSync(path.join(ROOT, 'src', 'handlers', `${h}.ts`)));
    assert.deepEqual(missing, [], `serverless.yml packages src/handlers/{${missing.join(',')}}.ts, which do not exist`);
    packageDir = await mkdtemp(path.join(os.tmpdir(), 'claims-package-'));
    const env = {
      ...process.env,
      // Packaging needs no AWS access; these only stop the SDK from looking for credentials.
      AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'packaging-only-not-a-secret',
      AWS_REGION: 'us-east-1',
      AWS_SDK_LOAD_CONFIG: '0',
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    };
    const output = await runPackaging(['package', '--stage', 'ci', '--package', packageDir], env);
    assert.ok(output.ok, `osls package failed:\n${output.text}`);
    const file = path.join(packageDir, 'cloudformation-template-update-stack.json');
    template = JSON.parse(await readFile(file, 'utf8'));
  },
  { timeout: 360_000 },
);

after(async () => {
  if (packageDir) await rm(packageDir, { recursive: true, force: true });
});

describe('packaged CloudFormation template', () => {
  it('every member and admin route uses the Cognito authorizer and an API key', () => {
    const authorizer = props('ApiCognitoAuthorizer');
    assert.equal(authorizer.Type, 'COGNITO_USER_POOLS');
    assert.equal(render(authorizer.ProviderARNs), '<UserPool.Arn>');

    const methods = resources('AWS::ApiGateway::Method').filter(([, r]) => r.Properties?.HttpMethod !== 'OPTIONS');
    const routes = methods.map(([name]) => name).sort();
    assert.deepEqual(routes, [
      'ApiGatewayMethodV1AdminProxyVarAny',
      'ApiGatewayMethodV1AskPost',
      'ApiGatewayMethodV1HealthGet',
    ]);
    for (const [name, method] of methods) {
      if (name === 'ApiGatewayMethodV1HealthGet') continue;
      assert.equal(method.Properties?.AuthorizationType, 'COGNITO_USER_POOLS', name);
      assert.equal(render(method.Properties?.AuthorizerId), '<ApiCognitoAuthorizer>', name);
      assert.equal(method.Properties?.ApiKeyRequired, true, name);
    }
    // Health is deliberately open (see docs/deploy.md): it must stay the only one.
    assert.equal(props('ApiGatewayMethodV1HealthGet').AuthorizationType, 'NONE');
  });

  it('the ask body is validated against a bounded schema', () => {
    const ask = props('ApiGatewayMethodV1AskPost');
    assert.ok(ask.RequestValidatorId, 'request validator attached');
    const model = props('ApiGatewayMethodV1AskPostApplicationJsonModel');
    const schema = model.Schema as { additionalProperties: boolean; properties: { question: { maxLength: number } } };
    assert.equal(schema.additionalProperties, false);
    assert.ok(schema.properties.question.maxLength <= 1000);
  });

  it('usage plans throttle the portal and integrators', () => {
    const plans = resources('AWS::ApiGateway::UsagePlan');
    assert.equal(plans.length, 2);
    for (const [name, plan] of plans) {
      const throttle = plan.Properties?.Throttle as { RateLimit: number; BurstLimit: number };
      assert.ok(throttle.RateLimit > 0 && throttle.BurstLimit > 0, name);
    }
    assert.equal(resources('AWS::ApiGateway::ApiKey').length, 2);
    assert.equal(render(props('PortalUsagePlanKey').UsagePlanId), '<ApiGatewayUsagePlanPortal>');
  });

  it('the portal reaches the API through CloudFront on the same origin', () => {
    const config = props('FrontendDistribution').DistributionConfig as {
      CacheBehaviors: { PathPattern: string; TargetOriginId: string; CachePolicyId: string }[];
      Origins: { Id: string; DomainName: Json }[];
    };
    const api = config.CacheBehaviors.find((b) => b.PathPattern === '/v1/*');
    assert.equal(api?.TargetOriginId, 'api');
    assert.equal(api?.CachePolicyId, '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', 'API answers are never cached');
    const origin = config.Origins.find((o) => o.Id === 'api');
    assert.match(render(origin?.DomainName), /^<ApiGatewayRestApi>\.execute-api\./);
  });

  it('no Allow statement grants a wildcard action or a "*" resource', () => {
    const statements = allStatements();
    assert.ok(statements.length >= 8, 'found the policies');
    for (const { where, statement } of statements) {
      if (statement.Effect !== 'Allow') continue; // e.g. the deployment bucket's deny-insecure-transport
      assert.equal(statement.NotAction, undefined, where);
      for (const action of list(statement.Action)) {
        assert.ok(typeof action === 'string' && !action.includes('*'), `${where}: action ${render(action)}`);
      }
      for (const resource of list(statement.Resource)) {
        assert.notEqual(render(resource), '*', `${where}: Resource "*"`);
      }
    }
  });

  it('Bedrock access is the ask, admin and eval runner roles only (previews, evaluations), scoped to the model ARN', () => {
    const bedrock = allStatements().filter(({ statement }) =>
      list(statement.Action).some((a) => String(a).startsWith('bedrock:')),
    );
    assert.deepEqual(bedrock.map((b) => b.where).sort(), [
      'AdminRole inline',
      'AskRole inline',
      'BedrockRuntimeEndpoint',
      'EvalRunnerRole inline',
    ]);
    for (const { statement } of bedrock) {
      assert.deepEqual(list(statement.Action).sort(), ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream']);
      const arns = list(statement.Resource).map(render);
      assert.deepEqual(arns, [`arn:<AWS::Partition>:bedrock:<AWS::Region>::foundation-model/${MODEL_ID}`]);
    }
  });

  it('each function has its own role; secrets are readable only by those who need them', () => {
    assert.equal(template.Resources.IamRoleLambdaExecution, undefined, 'no shared default role');
    const roles = FUNCTIONS.map((f) => render(props(`${f}LambdaFunction`).Role));
    assert.deepEqual(
      roles,
      FUNCTIONS.map((f) => `<${f}Role.Arn>`),
    );
    const secretsOf = (role: string) =>
      roleStatements(role)
        .filter((s) => list(s.Action).includes('secretsmanager:GetSecretValue'))
        .flatMap((s) => list(s.Resource).map(render))
        .sort();
    assert.deepEqual(secretsOf('AskRole'), ['<AppDbSecret>']);
    assert.deepEqual(secretsOf('PreTokenRole'), ['<AppDbSecret>']);
    assert.deepEqual(secretsOf('MigrateRole'), ['<AppDbSecret>', '<OwnerDbSecret>']);
    assert.deepEqual(secretsOf('EvalRunnerRole'), ['<AppDbSecret>']);
    for (const f of FUNCTIONS) {
      const managed = list(props(`${f}Role`).ManagedPolicyArns).map(render);
      assert.ok(
        managed.some((arn) => arn.endsWith('/AWSLambdaVPCAccessExecutionRole')),
        f,
      );
    }
  });

  it('functions run nodejs22.x on arm64 inside the VPC, with reserved concurrency', () => {
    for (const f of FUNCTIONS) {
      const p = props(`${f}LambdaFunction`);
      assert.equal(p.Runtime, 'nodejs22.x', f);
      assert.deepEqual(p.Architectures, ['arm64'], f);
      assert.ok((p.VpcConfig as { SubnetIds: Json[] }).SubnetIds.length >= 2, f);
      assert.ok(typeof p.ReservedConcurrentExecutions === 'number' && p.ReservedConcurrentExecutions > 0, f);
      assert.equal(typeof (p.Environment as { Variables: Record<string, Json> }).Variables.DB_SECRET_ARN, 'object', f);
    }
    const ask = props('AskLambdaFunction');
    assert.equal(ask.MemorySize, 1024);
    assert.ok((ask.Timeout as number) < 29, 'ask finishes before API Gateway gives up');
  });

  it('the functions that call the model (ask, admin previews, the eval runner) are configured for it; no other is', () => {
    for (const f of FUNCTIONS) {
      const p = props(`${f}LambdaFunction`);
      const vars = (p.Environment as { Variables: Record<string, Json> }).Variables;
      if (f === 'Ask' || f === 'Admin') {
        assert.equal(vars.BEDROCK_MODEL_ID, MODEL_ID, f);
        assert.ok((p.Timeout as number) < 29, `${f} finishes before API Gateway gives up`);
      } else if (f === 'EvalRunner') {
        // Not behind API Gateway: a whole evaluation run fits in one invocation.
        assert.equal(vars.BEDROCK_MODEL_ID, MODEL_ID, f);
        assert.equal(p.Timeout, 900, f);
        assert.equal(p.MemorySize, 1024, f);
        assert.equal(p.ReservedConcurrentExecutions, 2, f);
      } else {
        assert.equal(vars.BEDROCK_MODEL_ID, undefined, f);
      }
    }
  });

  it('the admin role may invoke the eval runner only; the admin function is told its name', () => {
    // Role statements only: the Lambda API endpoint's own policy is checked with the endpoints.
    const invokes = allStatements().filter(
      ({ where, statement }) =>
        where !== 'LambdaApiEndpoint' && list(statement.Action).some((a) => String(a).startsWith('lambda:')),
    );
    assert.deepEqual(
      invokes.map((i) => i.where),
      ['AdminRole inline'],
    );
    const [only] = invokes;
    assert.deepEqual(list(only?.statement.Action), ['lambda:InvokeFunction']);
    assert.deepEqual(list(only?.statement.Resource).map(render), ['<EvalRunnerLambdaFunction.Arn>']);
    const vars = (props('AdminLambdaFunction').Environment as { Variables: Record<string, Json> }).Variables;
    assert.equal(render(vars.EVAL_RUNNER_FUNCTION), '<EvalRunnerLambdaFunction>');
    const runner = props('EvalRunnerLambdaFunction');
    assert.equal(render(runner.Role), '<EvalRunnerRole.Arn>');
    // No API route reaches the runner: only the admin function starts it.
    const permissions = resources('AWS::Lambda::Permission').map(([, r]) => render(r.Properties?.FunctionName));
    assert.ok(!permissions.some((f) => f.includes('EvalRunner')), permissions.join(' '));
  });

  it('no environment variable holds a password or key', () => {
    for (const f of FUNCTIONS) {
      const vars = (props(`${f}LambdaFunction`).Environment as { Variables: Record<string, Json> }).Variables;
      for (const [key, value] of Object.entries(vars)) {
        assert.ok(!/(PASSWORD|PASSWD|TOKEN|API_KEY|SECRET)$/i.test(key), `${f}: ${key}`);
        assert.ok(!render(value).includes('resolve:secretsmanager'), `${f}: ${key}`);
      }
    }
  });

  it('the database is private and encrypted, behind RDS Proxy with TLS', () => {
    const instances = resources('AWS::RDS::DBInstance');
    assert.ok(instances.length >= 1);
    for (const [name, instance] of instances) assert.equal(instance.Properties?.PubliclyAccessible, false, name);
    const cluster = props('DbCluster');
    assert.equal(cluster.StorageEncrypted, true);
    assert.equal(props('DbProxy').RequireTLS, true);
    // Only the proxy (and the rotation functions) reach the database port.
    const ingress = list(props('DbSecurityGroup').SecurityGroupIngress).map((r) =>
      render((r as { SourceSecurityGroupId: Json }).SourceSecurityGroupId),
    );
    assert.deepEqual(ingress.sort(), ['<DbProxySecurityGroup>', '<RotationSecurityGroup>']);
    // Nothing in the template opens a port to an address range.
    for (const [name, r] of [...resources('AWS::EC2::SecurityGroup'), ...resources('AWS::EC2::SecurityGroupIngress')]) {
      for (const rule of [r.Properties ?? {}, ...list(r.Properties?.SecurityGroupIngress)] as Record<string, Json>[]) {
        assert.equal(rule.CidrIp, undefined, `${name} ingress by CIDR`);
      }
    }
  });

  it('Bedrock, Secrets Manager and the Lambda API are reached through VPC interface endpoints', () => {
    const services = resources('AWS::EC2::VPCEndpoint').map(([, r]) => render(r.Properties?.ServiceName));
    assert.deepEqual(services.sort(), [
      'com.amazonaws.<AWS::Region>.bedrock-runtime',
      'com.amazonaws.<AWS::Region>.lambda',
      'com.amazonaws.<AWS::Region>.secretsmanager',
    ]);
    // With no NAT, the admin function's async invoke of the eval runner goes through this endpoint,
    // and the endpoint lets nothing else through.
    const lambdaApi = (props('LambdaApiEndpoint').PolicyDocument as { Statement: Json }).Statement;
    assert.deepEqual(
      list(lambdaApi).map((s) => {
        const st = s as Record<string, Json>;
        return [st.Effect, list(st.Action), list(st.Resource).map(render)];
      }),
      [['Allow', ['lambda:InvokeFunction'], ['<EvalRunnerLambdaFunction.Arn>']]],
    );
    for (const [, r] of resources('AWS::EC2::VPCEndpoint')) {
      assert.equal(r.Properties?.VpcEndpointType, 'Interface');
      assert.equal(r.Properties?.PrivateDnsEnabled, true);
    }
    assert.equal(resources('AWS::EC2::InternetGateway').length, 0);
    assert.equal(resources('AWS::EC2::NatGateway').length, 0);
  });

  it('the frontend bucket is private and read by CloudFront through OAC only', () => {
    const block = props('FrontendBucket').PublicAccessBlockConfiguration as Record<string, boolean>;
    assert.deepEqual(Object.values(block), [true, true, true, true]);
    const origin = (
      props('FrontendDistribution').DistributionConfig as { Origins: Record<string, Json>[] }
    ).Origins.find((o) => o.Id === 'frontend');
    assert.equal(render(origin?.OriginAccessControlId), '<FrontendOriginAccessControl.Id>');
    const [statement] = list((props('FrontendBucketPolicy').PolicyDocument as { Statement: Json }).Statement) as {
      Principal: Json;
      Condition: Json;
    }[];
    assert.deepEqual(statement?.Principal, { Service: 'cloudfront.amazonaws.com' });
    assert.match(render(statement?.Condition), /FrontendDistribution/);
  });

  it('each function ships one bundled file, no node_modules', async () => {
    for (const [fn, file] of [
      ['ask', 'ask'],
      ['preToken', 'pre-token'],
      ['health', 'health'],
      ['evalRunner', 'eval-runner'],
    ] as const) {
      const zip = await readFile(path.join(packageDir, `${fn}.zip`));
      const text = zip.toString('latin1');
      assert.ok(text.includes(`src/handlers/${file}.mjs`), `${fn}: bundle present`);
      assert.ok(!text.includes('node_modules/'), `${fn}: no node_modules in the archive`);
      assert.ok(zip.length < 8 * 1024 * 1024, `${fn}: ${zip.length} bytes`);
    }
  });

  it('the data files a bundle reads at run time ship beside it', async () => {
    const migrate = (await readFile(path.join(packageDir, 'migrate.zip'))).toString('latin1');
    assert.ok(migrate.includes('migrations/090_identity_map.sql'), 'migrations in the migrate package');
    assert.ok(migrate.includes('migrations/001_roles.sql'));
    const ask = (await readFile(path.join(packageDir, 'ask.zip'))).toString('latin1');
    assert.ok(ask.includes('prompts/'), 'prompt templates (fallback) in the ask package');
    assert.ok(!ask.includes('migrations/'), 'the ask package carries no migrations');
    const runner = (await readFile(path.join(packageDir, 'evalRunner.zip'))).toString('latin1');
    assert.ok(runner.includes('eval/cases.jsonl'), 'the evaluation set in the eval runner package');
    assert.ok(runner.includes('prompts/'), 'prompt templates in the eval runner package');
  });
});
