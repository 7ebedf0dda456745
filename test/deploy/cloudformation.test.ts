/**
 * Packages serverless.yml offline (osls + serverless-esbuild, dummy credentials, no network to
 * AWS) and checks the generated CloudFormation template for the security properties the design
 * depends on. Packaging runs here, once, so this test never passes on a stale template.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findCycles } from './dependency-graph.ts';
import { packageService, printConfig, ROOT } from './package.ts';

const HANDLERS = ['ask', 'admin', 'eval-runner', 'health', 'migrate', 'pre-token'];
const FUNCTIONS = ['Ask', 'Admin', 'EvalRunner', 'Health', 'Migrate', 'PreToken', 'PreTokenAdmin'];
// The default models: a current Claude through the US cross-Region inference profile.
const FOUNDATION_MODEL = 'anthropic.claude-sonnet-4-6';
const MODEL_ID = `us.${FOUNDATION_MODEL}`;
const PROFILE_ARN = `arn:<AWS::Partition>:bedrock:<AWS::Region>:<AWS::AccountId>:inference-profile/${MODEL_ID}`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface Resource {
  Type: string;
  Properties?: Record<string, Json>;
  DependsOn?: Json;
  Condition?: string;
}
interface Statement {
  Effect: string;
  Action?: Json;
  NotAction?: Json;
  Resource?: Json;
  Principal?: Json;
  Condition?: Json;
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

/** The value at a path of object keys, or undefined. */
function dig(value: Json | undefined, ...keys: string[]): Json | undefined {
  let at: Json | undefined = value;
  for (const key of keys) {
    if (at === null || at === undefined || typeof at !== 'object' || Array.isArray(at)) return undefined;
    at = at[key];
  }
  return at;
}

let template: { Resources: Record<string, Resource>; Conditions?: Json };
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

before(
  async () => {
    const missing = HANDLERS.filter((h) => !existsSync(path.join(ROOT, 'src', 'handlers', `${h}.ts`)));
    assert.deepEqual(missing, [], `serverless.yml packages src/handlers/{${missing.join(',')}}.ts, which do not exist`);
    packageDir = await mkdtemp(path.join(os.tmpdir(), 'claims-package-'));
    const output = await packageService(packageDir, { stage: 'ci' });
    assert.ok(output.ok, `osls package failed:\n${output.text}`);
    template = JSON.parse(await readFile(output.templatePath, 'utf8'));
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
    // Member tokens from the member pool, admin tokens from the admin pool (MFA required).
    assert.equal(render(authorizer.ProviderARNs), '<UserPool.Arn>,<AdminUserPool.Arn>');

    const methods = resources('AWS::ApiGateway::Method').filter(([, r]) => r.Properties?.HttpMethod !== 'OPTIONS');
    const routes = methods.map(([name]) => name).sort();
    assert.deepEqual(routes, [
      'ApiGatewayMethodV1AdminProxyVarAny',
      'ApiGatewayMethodV1AskPost',
      'ApiGatewayMethodV1ConversationsIdVarDelete',
      'ApiGatewayMethodV1FeedbackPost',
      'ApiGatewayMethodV1HealthGet',
      'ApiGatewayMethodV1OpenapijsonGet',
      'ApiGatewayMethodV1SignDashoutPost',
    ]);
    for (const [name, method] of methods) {
      if (name === 'ApiGatewayMethodV1HealthGet' || name === 'ApiGatewayMethodV1OpenapijsonGet') continue;
      assert.equal(method.Properties?.AuthorizationType, 'COGNITO_USER_POOLS', name);
      assert.equal(render(method.Properties?.AuthorizerId), '<ApiCognitoAuthorizer>', name);
      assert.equal(method.Properties?.ApiKeyRequired, true, name);
    }
    // Health and the API's OpenAPI document are deliberately open (see docs/deploy.md): only those.
    assert.equal(props('ApiGatewayMethodV1HealthGet').AuthorizationType, 'NONE');
    assert.equal(props('ApiGatewayMethodV1OpenapijsonGet').AuthorizationType, 'NONE');
  });

  it('the ask body is validated against a bounded schema', () => {
    const ask = props('ApiGatewayMethodV1AskPost');
    assert.ok(ask.RequestValidatorId, 'request validator attached');
    const model = props('ApiGatewayMethodV1AskPostApplicationJsonModel');
    const schema = model.Schema as { additionalProperties: boolean; properties: { question: { maxLength: number } } };
    assert.equal(schema.additionalProperties, false);
    assert.ok(schema.properties.question.maxLength <= 1000);
  });

  it('the ask function streams: its routes use InvokeWithResponseStream and STREAM transfer mode, the others stay buffered', () => {
    const streamed = [
      'ApiGatewayMethodV1AskPost',
      'ApiGatewayMethodV1ConversationsIdVarDelete',
      'ApiGatewayMethodV1FeedbackPost',
      'ApiGatewayMethodV1SignDashoutPost',
    ];
    for (const [name, method] of resources('AWS::ApiGateway::Method')) {
      if (method.Properties?.HttpMethod === 'OPTIONS') continue;
      const integration = method.Properties?.Integration as { Type: string; ResponseTransferMode?: string; Uri: Json };
      assert.equal(integration.Type, 'AWS_PROXY', name);
      if (streamed.includes(name)) {
        assert.equal(integration.ResponseTransferMode, 'STREAM', name);
        assert.equal(
          render(integration.Uri),
          'arn:<AWS::Partition>:apigateway:<AWS::Region>:lambda:path/2021-11-15/functions/<AskLambdaFunction.Arn>/response-streaming-invocations',
          name,
        );
      } else {
        assert.notEqual(integration.ResponseTransferMode, 'STREAM', name);
        assert.match(render(integration.Uri), /\/2015-03-31\/functions\/.*\/invocations$/, name);
      }
    }
    const schema = props('ApiGatewayMethodV1AskPostApplicationJsonModel').Schema as {
      properties: { conversationId?: { maxLength: number } };
    };
    assert.equal(schema.properties.conversationId?.maxLength, 36, 'a follow-up may name its conversation');
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

  it('Bedrock access is the ask, admin and eval runner roles only: the inference profiles, and their models only through them', () => {
    const bedrock = allStatements().filter(({ statement }) =>
      list(statement.Action).some((a) => String(a).startsWith('bedrock:')),
    );
    assert.deepEqual([...new Set(bedrock.map((b) => b.where))].sort(), [
      'AdminRole inline',
      'AskRole inline',
      'BedrockRuntimeEndpoint',
      'EvalRunnerRole inline',
    ]);
    for (const where of new Set(bedrock.map((b) => b.where))) {
      const mine = bedrock.filter((b) => b.where === where).map((b) => b.statement);
      assert.equal(mine.length, 2, where);
      const [profiles, models] = mine as [Statement, Statement];
      for (const statement of mine) {
        assert.deepEqual(list(statement.Action).sort(), [
          'bedrock:InvokeModel',
          'bedrock:InvokeModelWithResponseStream',
        ]);
      }
      // The SQL and the summary profile (the same one by default).
      assert.deepEqual([...new Set(list(profiles.Resource).map(render))], [PROFILE_ARN], where);
      assert.equal(profiles.Condition, undefined);
      // The foundation model in any Region the profile routes to, and only when called through it.
      assert.deepEqual(
        [...new Set(list(models.Resource).map(render))],
        [`arn:<AWS::Partition>:bedrock:*::foundation-model/${FOUNDATION_MODEL}`],
        where,
      );
      const condition = models.Condition as { StringEquals: Record<string, Json> };
      assert.deepEqual(Object.keys(condition), ['StringEquals'], where);
      assert.deepEqual(
        [...new Set(list(condition.StringEquals['bedrock:InferenceProfileArn']).map(render))],
        [PROFILE_ARN],
      );
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
    assert.deepEqual(secretsOf('PreTokenAdminRole'), ['<AppDbSecret>']);
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
      if (f === 'Ask' || f === 'Admin' || f === 'EvalRunner') {
        // One model per step; BEDROCK_MODEL_ID stays for code that reads one model.
        assert.equal(vars.BEDROCK_MODEL_ID, MODEL_ID, f);
        assert.equal(vars.BEDROCK_SQL_MODEL_ID, MODEL_ID, f);
        assert.equal(vars.BEDROCK_SUMMARY_MODEL_ID, MODEL_ID, f);
      } else {
        for (const v of ['BEDROCK_MODEL_ID', 'BEDROCK_SQL_MODEL_ID', 'BEDROCK_SUMMARY_MODEL_ID']) {
          assert.equal(vars[v], undefined, `${f} ${v}`);
        }
      }
      if (f === 'Ask' || f === 'Admin')
        assert.ok((p.Timeout as number) < 29, `${f} finishes before API Gateway gives up`);
    }
    // Not behind API Gateway: a whole evaluation run fits in one invocation.
    const runner = props('EvalRunnerLambdaFunction');
    assert.equal(runner.Timeout, 900);
    assert.equal(runner.MemorySize, 1024);
    assert.equal(runner.ReservedConcurrentExecutions, 2);
  });

  it('stage parameters choose the models (IAM follows) and whether customer-managed keys exist', async () => {
    type Config = {
      functions: Record<string, { environment?: Record<string, Json> }>;
      // One object once osls has merged the parts (deploy/*.yml); a list before.
      resources: { Resources?: Record<string, Resource> } | { Resources?: Record<string, Resource> }[];
    };
    const config = (await printConfig({
      stage: 'ci',
      params: {
        bedrockInferenceProfile: 'eu',
        bedrockSummaryModel: 'anthropic.claude-haiku-4-5-20251001-v1:0',
        customerManagedKeys: 'false',
      },
    })) as Config;
    const vars = config.functions.ask?.environment ?? {};
    assert.equal(vars.BEDROCK_SQL_MODEL_ID, 'eu.anthropic.claude-sonnet-4-6');
    assert.equal(vars.BEDROCK_SUMMARY_MODEL_ID, 'eu.anthropic.claude-haiku-4-5-20251001-v1:0');
    assert.equal(vars.BEDROCK_MODEL_ID, 'eu.anthropic.claude-sonnet-4-6');
    const parts = Array.isArray(config.resources) ? config.resources : [config.resources];
    const all: Record<string, Resource> = Object.assign({}, ...parts.map((r) => r.Resources ?? {}));
    const askPolicy = JSON.stringify(all.AskRole);
    assert.ok(askPolicy.includes('inference-profile/eu.anthropic.claude-haiku-4-5-20251001-v1:0'), askPolicy);
    assert.ok(askPolicy.includes('foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0'), askPolicy);
    // customerManagedKeys=false: no keys, no key permissions, AWS-managed encryption.
    assert.deepEqual(
      Object.entries(all)
        .filter(([, r]) => r.Type === 'AWS::KMS::Key' || r.Type === 'AWS::IAM::Policy')
        .map(([name]) => name),
      [],
    );
    assert.equal(JSON.stringify(all.FrontendBucket?.Properties?.BucketEncryption).includes('AES256'), true);
    assert.equal(all.EvalRunnerDlq?.Properties?.SqsManagedSseEnabled, true);
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
    assert.deepEqual(instances.map(([name]) => name).sort(), ['DbReader', 'DbWriter']);
    for (const [name, instance] of instances) assert.equal(instance.Properties?.PubliclyAccessible, false, name);
    const cluster = props('DbCluster');
    assert.equal(cluster.StorageEncrypted, true);
    assert.equal(props('DbProxy').RequireTLS, true);
    // Only the proxy (and the rotation functions) reach the database port: rules of their own,
    // none inline (two groups naming each other inline are a dependency cycle).
    assert.equal(props('DbSecurityGroup').SecurityGroupIngress, undefined);
    const ingress = resources('AWS::EC2::SecurityGroupIngress')
      .filter(([, r]) => render(r.Properties?.GroupId) === '<DbSecurityGroup>')
      .map(([, r]) => render(r.Properties?.SourceSecurityGroupId));
    assert.deepEqual(ingress.sort(), ['<DbProxySecurityGroup>', '<RotationSecurityGroup>']);
    for (const [name, group] of resources('AWS::EC2::SecurityGroup')) {
      for (const rule of [
        ...list(group.Properties?.SecurityGroupIngress),
        ...list(group.Properties?.SecurityGroupEgress),
      ]) {
        const r = rule as Record<string, Json>;
        assert.equal(r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId, undefined, `${name}: inline group rule`);
      }
    }
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

  it('the resource dependency graph (Ref, GetAtt, Sub, DependsOn) has no cycle', () => {
    assert.deepEqual(findCycles(template), []);
  });

  it('WAF: a per-IP rate limit and AWS managed rule groups on CloudFront and on the API', () => {
    const config = props('FrontendDistribution').DistributionConfig as Record<string, Json>;
    assert.equal(render(config.WebACLId), '<CloudFrontWebAcl.Arn>');
    assert.equal(props('CloudFrontWebAcl').Scope, 'CLOUDFRONT');
    assert.equal(props('ApiWebAcl').Scope, 'REGIONAL');
    const association = props('ApiWebAclAssociation');
    assert.equal(render(association.WebACLArn), '<ApiWebAcl.Arn>');
    assert.equal(
      render(association.ResourceArn),
      'arn:<AWS::Partition>:apigateway:<AWS::Region>::/restapis/<ApiGatewayRestApi>/stages/ci',
    );
    for (const acl of ['CloudFrontWebAcl', 'ApiWebAcl']) {
      const rules = list(props(acl).Rules) as Record<string, Json>[];
      const rate = rules.find((r) => dig(r, 'Statement', 'RateBasedStatement'));
      const limit = dig(rate, 'Statement', 'RateBasedStatement', 'Limit');
      assert.ok(Number(limit) > 0 && Number(limit) <= 2000, `${acl}: rate limit ${limit}`);
      assert.equal(dig(rate, 'Action', 'Block', 'CustomResponse', 'ResponseCode'), 429);
      const managed = rules
        .map(
          (r) =>
            ((r.Statement as Record<string, Json>).ManagedRuleGroupStatement as { Name?: string } | undefined)?.Name,
        )
        .filter(Boolean);
      assert.ok(managed.includes('AWSManagedRulesCommonRuleSet'), `${acl}: ${managed}`);
      assert.ok(managed.includes('AWSManagedRulesKnownBadInputsRuleSet'), `${acl}: ${managed}`);
      // Every WebACL logs, with the credentials in headers redacted.
      const logging = resources('AWS::WAFv2::LoggingConfiguration').find(
        ([, r]) => render(r.Properties?.ResourceArn) === `<${acl}.Arn>`,
      );
      assert.ok(logging, `${acl} logging`);
      const redacted = JSON.stringify(logging[1].Properties?.RedactedFields);
      for (const h of ['authorization', 'x-api-key', 'x-origin-verify'])
        assert.ok(redacted.includes(h), `${acl}: ${h}`);
    }
  });

  it('the execute-api address answers CloudFront only: its WAF blocks requests without the secret origin header', () => {
    const origins = (props('FrontendDistribution').DistributionConfig as { Origins: Record<string, Json>[] }).Origins;
    const api = origins.find((o) => o.Id === 'api');
    const headers = list(api?.OriginCustomHeaders) as { HeaderName: string; HeaderValue: Json }[];
    const verify = headers.find((h) => h.HeaderName === 'x-origin-verify');
    assert.equal(render(verify?.HeaderValue), '{{resolve:secretsmanager:<OriginVerifySecret>}}');
    // No x-api-key origin header: it would overwrite an integrator's own key.
    assert.ok(!headers.some((h) => h.HeaderName.toLowerCase() === 'x-api-key'));
    const first = (list(props('ApiWebAcl').Rules) as Record<string, Json>[]).find((r) => r.Priority === 0);
    const match = dig(first, 'Statement', 'NotStatement', 'Statement', 'ByteMatchStatement') as Record<string, Json>;
    assert.deepEqual(match.FieldToMatch, { SingleHeader: { Name: 'x-origin-verify' } });
    assert.equal(match.PositionalConstraint, 'EXACTLY');
    assert.equal(render(match.SearchString), '{{resolve:secretsmanager:<OriginVerifySecret>}}');
    assert.ok(dig(first, 'Action', 'Block'), 'blocks');
  });

  it('the API stage is a resource of its own with access logs, execution logs (no bodies) and tracing', () => {
    const stage = props('ApiGatewayStage');
    assert.equal(stage.StageName, 'ci');
    const deployments = resources('AWS::ApiGateway::Deployment');
    assert.equal(deployments.length, 1);
    const [deploymentId, deployment] = deployments[0] as [string, Resource];
    assert.equal(render(stage.DeploymentId), `<${deploymentId}>`);
    assert.equal(deployment.Properties?.StageName, undefined, 'the Deployment creates no second, unlogged stage');
    for (const [name, plan] of resources('AWS::ApiGateway::UsagePlan')) {
      assert.ok(list(plan.DependsOn).includes('ApiGatewayStage'), name);
    }
    assert.equal(stage.TracingEnabled, true);
    const access = stage.AccessLogSetting as { DestinationArn: Json; Format: string };
    assert.equal(render(access.DestinationArn), '<ApiGatewayAccessLogGroup.Arn>');
    const format = JSON.parse(access.Format) as Record<string, string>;
    assert.equal(format.requestId, '$context.requestId');
    assert.ok(!/requestBody|body|querystring|authorization/i.test(access.Format), access.Format);
    const [settings] = list(stage.MethodSettings) as Record<string, Json>[];
    assert.deepEqual(
      [settings?.ResourcePath, settings?.HttpMethod, settings?.LoggingLevel, settings?.DataTraceEnabled],
      ['/*', '*', 'ERROR', false],
    );
    assert.ok(Number(settings?.ThrottlingRateLimit) > 0 && Number(settings?.ThrottlingBurstLimit) > 0);
    assert.equal(
      render(props('ApiGatewayExecutionLogGroup').LogGroupName),
      'API-Gateway-Execution-Logs_<ApiGatewayRestApi>/ci',
    );
    assert.equal(render(props('ApiGatewayAccount').CloudWatchRoleArn), '<ApiGatewayCloudWatchRole.Arn>');
  });

  it('CloudFront: TLS 1.2 or later with our certificate, and a strict Content-Security-Policy on the pages', () => {
    const config = props('FrontendDistribution').DistributionConfig as Record<string, Json>;
    const cert = config.ViewerCertificate as Record<string, Json>;
    assert.equal(cert.MinimumProtocolVersion, 'TLSv1.2_2021');
    assert.equal(cert.SslSupportMethod, 'sni-only');
    assert.match(String(cert.AcmCertificateArn), /^arn:aws:acm:us-east-1:/);
    assert.equal(cert.CloudFrontDefaultCertificate, undefined);
    assert.deepEqual(config.Aliases, ['portal.example.com']);
    assert.ok(config.Logging, 'access logs');
    const pages = config.DefaultCacheBehavior as Record<string, Json>;
    assert.equal(render(pages.ResponseHeadersPolicyId), '<FrontendResponseHeadersPolicy>');
    const security = (props('FrontendResponseHeadersPolicy').ResponseHeadersPolicyConfig as Record<string, Json>)
      .SecurityHeadersConfig as Record<string, Record<string, Json>>;
    const csp = String(security.ContentSecurityPolicy?.ContentSecurityPolicy);
    const directives = new Map(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name as string, values.join(' ')];
      }),
    );
    assert.equal(directives.get('default-src'), "'none'");
    assert.equal(directives.get('script-src'), "'self'");
    assert.equal(directives.get('style-src'), "'self'");
    assert.equal(directives.get('frame-ancestors'), "'none'");
    assert.equal(directives.get('object-src'), "'none'");
    assert.equal(directives.get('base-uri'), "'none'");
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !/\s\*|https:\s/.test(csp), csp);
    // The OIDC client fetches Cognito's token endpoint and the issuer's keys; nothing else.
    assert.equal(
      directives.get('connect-src'),
      "'self' https://claims-assistant-ci.auth.us-east-1.amazoncognito.com https://claims-assistant-admin-ci.auth.us-east-1.amazoncognito.com https://cognito-idp.us-east-1.amazonaws.com",
    );
    assert.ok(Number(security.StrictTransportSecurity?.AccessControlMaxAgeSec) >= 31536000);
    assert.equal(security.FrameOptions?.FrameOption, 'DENY');
    const api = (config.CacheBehaviors as Record<string, Json>[]).find((b) => b.PathPattern === '/v1/*');
    assert.equal(render(api?.ResponseHeadersPolicyId), '<ApiResponseHeadersPolicy>');
    const [fn] = list(api?.FunctionAssociations) as Record<string, Json>[];
    assert.equal(fn?.EventType, 'viewer-request');
    assert.equal(render(fn?.FunctionARN), '<PortalApiKeyFunction.FunctionARN>');
    // The function adds the portal key only when the caller sent none.
    assert.match(render(props('PortalApiKeyFunction').FunctionCode), /if \(!request\.headers\['x-api-key'\]\)/);
  });

  it('VPC flow logs record all traffic to an encrypted log group', () => {
    const flow = props('VpcFlowLog');
    assert.deepEqual([render(flow.ResourceId), flow.ResourceType, flow.TrafficType], ['<Vpc>', 'VPC', 'ALL']);
    assert.equal(render(flow.LogGroupName), '<VpcFlowLogGroup>');
    assert.equal(render(props('VpcFlowLogGroup').KmsKeyId), '<LogsKey.Arn>');
  });

  it('customer-managed keys encrypt every log group, secret, bucket, the database and the DLQ', () => {
    const keys = resources('AWS::KMS::Key')
      .map(([name]) => name)
      .sort();
    assert.deepEqual(keys, ['LogsKey', 'SecretsKey', 'StorageKey']);
    for (const name of keys) assert.equal(props(name).EnableKeyRotation, true, name);
    for (const [name, group] of resources('AWS::Logs::LogGroup')) {
      assert.equal(render(group.Properties?.KmsKeyId), '<LogsKey.Arn>', name);
      assert.ok(Number(group.Properties?.RetentionInDays) >= 365, `${name} retention`);
    }
    for (const [name, secret] of resources('AWS::SecretsManager::Secret')) {
      assert.equal(render(secret.Properties?.KmsKeyId), '<SecretsKey>', name);
    }
    for (const name of ['FrontendBucket', 'ServerlessDeploymentBucket']) {
      const [rule] = list(
        (props(name).BucketEncryption as { ServerSideEncryptionConfiguration: Json }).ServerSideEncryptionConfiguration,
      ) as {
        ServerSideEncryptionByDefault: Record<string, Json>;
      }[];
      assert.equal(rule?.ServerSideEncryptionByDefault.SSEAlgorithm, 'aws:kms', name);
      assert.equal(render(rule?.ServerSideEncryptionByDefault.KMSMasterKeyID), '<StorageKey.Arn>', name);
    }
    assert.equal(render(props('DbCluster').KmsKeyId), '<StorageKey.Arn>');
    assert.equal(render(props('EvalRunnerDlq').KmsMasterKeyId), '<StorageKey.Arn>');
    // Reading a secret needs the key, through Secrets Manager only, for exactly the secret readers.
    const access = props('SecretsKeyAccess');
    assert.deepEqual(
      list(access.Roles).map(render).sort(),
      [...FUNCTIONS.map((f) => `<${f}Role>`), '<DbProxyRole>'].sort(),
    );
  });

  it('the eval runner (invoked asynchronously) has a dead-letter destination and no retries', () => {
    const [[, config] = ['', { Properties: {} }]] = resources('AWS::Lambda::EventInvokeConfig') as [string, Resource][];
    const p = config.Properties ?? {};
    assert.equal(render(p.FunctionName), '<EvalRunnerLambdaFunction>');
    assert.equal(p.MaximumRetryAttempts, 0);
    const onFailure = (p.DestinationConfig as { OnFailure: { Destination: Json } }).OnFailure;
    assert.equal(render(onFailure.Destination), '<EvalRunnerDlq.Arn>');
    const send = roleStatements('EvalRunnerRole').find((s) => list(s.Action).includes('sqs:SendMessage'));
    assert.deepEqual(list(send?.Resource).map(render), ['<EvalRunnerDlq.Arn>']);
  });

  it('Aurora has a reader; ask (member reads) and health (its check) get the proxy read-only endpoint as DB_READER_HOST', () => {
    assert.equal(props('DbWriter').PromotionTier, 0);
    assert.equal(props('DbReader').PromotionTier, 1);
    for (const name of ['DbWriter', 'DbReader']) assert.equal(props(name).MonitoringInterval, 60, name);
    const reader = props('DbProxyReaderEndpoint');
    assert.equal(reader.TargetRole, 'READ_ONLY');
    assert.equal(render(reader.DBProxyName), '<DbProxy>');
    for (const f of FUNCTIONS) {
      const vars = (props(`${f}LambdaFunction`).Environment as { Variables: Record<string, Json> }).Variables;
      const readsReader = f === 'Ask' || f === 'Health';
      assert.equal(render(vars.DB_READER_HOST), readsReader ? '<DbProxyReaderEndpoint.Endpoint>' : '', f);
      assert.equal(render(vars.DB_HOST), '<DbProxy.Endpoint>', f);
    }
  });

  it('sign-in: hosted OAuth code flow for members and admins; admins in their own pool with MFA required', () => {
    for (const [pool, client, domain, group] of [
      ['UserPool', 'UserPoolClient', 'UserPoolDomain', undefined],
      ['AdminUserPool', 'AdminUserPoolClient', 'AdminUserPoolDomain', 'AdminGroup'],
    ] as const) {
      assert.equal(props(pool).DeletionProtection, 'ACTIVE', pool);
      assert.equal((props(pool).AdminCreateUserConfig as Record<string, Json>).AllowAdminCreateUserOnly, true);
      const c = props(client);
      assert.equal(c.GenerateSecret, false, client);
      assert.equal(c.AllowedOAuthFlowsUserPoolClient, true, client);
      assert.deepEqual(c.AllowedOAuthFlows, ['code'], client);
      assert.deepEqual(c.AllowedOAuthScopes, ['openid', 'email', 'profile'], client);
      assert.deepEqual(c.SupportedIdentityProviders, ['COGNITO'], client);
      for (const urls of [c.CallbackURLs, c.LogoutURLs]) assert.match(render(urls), /https:\/\/portal\.example\.com\//);
      assert.equal(render(props(domain).UserPoolId), `<${pool}>`);
      if (group) assert.equal(props(group).GroupName, 'admin');
    }
    assert.equal(props('UserPool').MfaConfiguration, 'OPTIONAL');
    assert.equal(props('AdminUserPool').MfaConfiguration, 'ON');
    assert.deepEqual(props('AdminUserPool').EnabledMfas, ['SOFTWARE_TOKEN_MFA']);
    // Each pool's trigger issues only its own role (src/handlers/pre-token.ts, rolePolicyFromEnv).
    const env = (f: string) =>
      (props(`${f}LambdaFunction`).Environment as { Variables: Record<string, Json> }).Variables;
    assert.equal(env('PreToken').PRE_TOKEN_ALLOWED_ROLES, 'member');
    assert.equal(env('PreTokenAdmin').PRE_TOKEN_ALLOWED_ROLES, 'admin');
    assert.equal(env('PreTokenAdmin').PRE_TOKEN_ADMIN_GROUP, 'admin');
    const trigger = (pool: string) =>
      render(
        ((props(pool).LambdaConfig as Record<string, Json>).PreTokenGenerationConfig as Record<string, Json>).LambdaArn,
      );
    assert.equal(trigger('UserPool'), '<PreTokenLambdaFunction.Arn>');
    assert.equal(trigger('AdminUserPool'), '<PreTokenAdminLambdaFunction.Arn>');
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

describe('the cycle check', () => {
  it('finds a cycle through Ref, GetAtt, Sub and DependsOn, and none in a chain', () => {
    const cyclic = {
      Resources: {
        A: { Type: 'X', Properties: { P: { Ref: 'B' } } },
        B: { Type: 'X', Properties: { P: { 'Fn::GetAtt': ['C', 'Arn'] } } },
        C: { Type: 'X', Properties: { P: { 'Fn::Sub': ['x-', '$', '{D.Arn}-', '$', '{!Literal}'].join('') } } },
        D: { Type: 'X', DependsOn: ['A'] },
        E: { Type: 'X', Properties: { P: { Ref: 'AWS::Region' } } },
      },
    };
    assert.deepEqual(findCycles(cyclic), [['A', 'B', 'C', 'D', 'A']]);
    const chain = { Resources: { ...cyclic.Resources, D: { Type: 'X' } } };
    assert.deepEqual(findCycles(chain), []);
  });

  it('finds the cycle the first serverless.yml had (groups naming each other inline)', () => {
    const groups = {
      Resources: {
        DbSecurityGroup: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: { SecurityGroupIngress: [{ SourceSecurityGroupId: { Ref: 'RotationSecurityGroup' } }] },
        },
        RotationSecurityGroup: {
          Type: 'AWS::EC2::SecurityGroup',
          Properties: { SecurityGroupEgress: [{ DestinationSecurityGroupId: { Ref: 'DbSecurityGroup' } }] },
        },
      },
    };
    assert.deepEqual(findCycles(groups), [['DbSecurityGroup', 'RotationSecurityGroup', 'DbSecurityGroup']]);
  });
});
