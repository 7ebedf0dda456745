/**
 * Runs AWS's own template validators, all from the npm registry and all offline, on the template
 * `osls package` generates:
 *
 * - **cfn-validate**: the CloudFormation validator that ships with aws-cdk-lib
 *   (`CloudFormationValidatePlugin`, the `@aws/cloudformation-validate` engine bundled in it),
 *   with CDK's default rules, as `cdk synth` runs it.
 * - **cfn-guard**: the cfn-guard binary and the AWS Control Tower proactive-control rules shipped
 *   in `@cdklabs/cdk-validator-cfnguard`.
 * - **cdk-nag**: the AwsSolutions, HIPAA.Security and Serverless packs, on the template loaded into
 *   a tiny in-process CDK app through `cloudformation-include`'s CfnInclude.
 *
 * Every finding is either open (fails the run) or listed, with its reason, in the "Accepted
 * validator findings" table of docs/deploy.md; a listed entry that no longer matches anything
 * fails the run too, so the table never outlives the finding.
 *
 * Usage: `npm run validate:stack [-- --template FILE] [--all] [--json FILE]`
 *   (packages the service first unless --template is given; --all prints every finding).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import {
  App,
  CloudFormationValidatePlugin,
  DefaultStackSynthesizer,
  type PolicyValidationPluginReport,
  Stack,
} from 'aws-cdk-lib';
import { CfnInclude } from 'aws-cdk-lib/cloudformation-include';
import { AwsSolutionsChecks, HIPAASecurityChecks, type NagPack, ServerlessChecks } from 'cdk-nag';
import { packageService, ROOT } from './package.ts';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** `cfn-validate`, `cfn-guard`, or the cdk-nag pack (`AwsSolutions`, `HIPAA.Security`, `Serverless`). */
  readonly validator: string;
  /** Rule id; a cdk-nag rule with several findings per resource keeps its `[finding]` suffix. */
  readonly rule: string;
  readonly severity: Severity;
  /** Logical id of the resource (or the template part) the finding is about. */
  readonly resource: string;
  readonly message: string;
}

export interface AcceptedFinding {
  readonly validator: string;
  /** A rule id; `AwsSolutions-IAM4` also covers `AwsSolutions-IAM4[...]`. */
  readonly rule: string;
  /** Logical ids; `*` matches any run of characters (`*Role`). */
  readonly resources: readonly string[];
  readonly reason: string;
}

export const VALIDATORS = ['cfn-validate', 'cfn-guard', 'AwsSolutions', 'HIPAA.Security', 'Serverless'] as const;
export const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

function severityOf(value: string | undefined): Severity {
  if (value === 'warning') return 'warning';
  if (value === 'informational' || value === 'info' || value === 'debug') return 'info';
  return 'error';
}

/** cdk-nag names a construct path (`/ClaimsAssistant/Template/AskRole`): the part after CfnInclude's is the logical id. */
function nagResource(constructPath: string | undefined): string {
  const parts = (constructPath ?? '').split('/').filter(Boolean);
  const at = parts.indexOf('Template');
  return (at >= 0 ? parts[at + 1] : parts.at(-1)) ?? '(template)';
}

function findingsOf(validator: string, report: PolicyValidationPluginReport): Finding[] {
  const out: Finding[] = [];
  for (const violation of report.violations) {
    for (const resource of violation.violatingResources) {
      const where = resource.resourceLogicalId ?? nagResource(resource.constructPath);
      out.push({
        validator,
        rule: violation.ruleName,
        // cfn-guard reports no severity: a failed Control Tower proactive control blocks the stack.
        severity: severityOf(violation.severity),
        resource: where,
        message: violation.description.replace(/\s+/g, ' ').trim(),
      });
    }
  }
  return out;
}

/** The CloudFormation validator bundled in aws-cdk-lib, with the rules `cdk synth` uses. */
export function runCfnValidate(templatePath: string): Finding[] {
  const plugin = new CloudFormationValidatePlugin();
  try {
    const report = plugin.validate({
      templatePaths: [templatePath],
      stackTemplates: [{ stackConstructPath: 'claims-assistant', templatePath, region: REGION, accountId: ACCOUNT }],
      appConstruct: new App(),
    });
    return findingsOf('cfn-validate', report);
  } finally {
    plugin._dispose();
  }
}

/** cfn-guard (the binary in @cdklabs/cdk-validator-cfnguard) with the Control Tower rules. */
export function runCfnGuard(templatePath: string): Finding[] {
  const guard = new CfnGuardValidator({ controlTowerRulesEnabled: true, maxBuffer: 64 * 1024 * 1024 });
  return findingsOf('cfn-guard', guard.validate({ templatePaths: [templatePath] } as never));
}

/** cdk-nag's packs on the template, loaded into a CDK app with CfnInclude (logical ids kept). */
export function runCdkNag(templatePath: string): Finding[] {
  const app = new App({ analyticsReporting: false });
  const stack = new Stack(app, 'ClaimsAssistant', {
    env: { region: REGION, account: ACCOUNT },
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
  });
  try {
    new CfnInclude(stack, 'Template', { templateFile: templatePath });
  } catch (error) {
    // CfnInclude refuses a template CloudFormation would refuse too (e.g. a dependency cycle).
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return [
      { validator: 'cdk-nag', rule: 'CfnInclude', severity: 'error', resource: '(template)', message: message ?? '' },
    ];
  }
  const packs: NagPack[] = [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new ServerlessChecks()];
  return packs.flatMap((pack) => {
    const report = pack.validateScope(stack);
    return findingsOf(pack.readPackName, report);
  });
}

export function runAll(templatePath: string): Finding[] {
  return [...runCfnValidate(templatePath), ...runCfnGuard(templatePath), ...runCdkNag(templatePath)];
}

// ------------------------------------------------------------------ the accepted list

const START = '<!-- accepted-findings:start -->';
const END = '<!-- accepted-findings:end -->';

/**
 * Reads the accepted-findings table between the two markers in docs/deploy.md: columns
 * validator | rule | resources (backticked logical ids) | reason.
 */
export function parseAccepted(markdown: string): AcceptedFinding[] {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/deploy.md has no ${START} … ${END} table`);
  const rows = markdown
    .slice(start + START.length, end)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line));
  const out: AcceptedFinding[] = [];
  for (const row of rows.slice(1)) {
    const cells = row
      .slice(1, -1)
      .split(' | ')
      .map((c) => c.trim());
    const [validator, rule, resources, reason] = cells;
    if (!validator || !rule || !resources || !reason) throw new Error(`accepted-findings row needs 4 cells: ${row}`);
    out.push({
      validator: validator.replaceAll('`', ''),
      rule: rule.replaceAll('`', ''),
      resources: [...resources.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string),
      reason,
    });
  }
  return out;
}

function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`);
  return re.test(value);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function isAccepted(finding: Finding, entry: AcceptedFinding): boolean {
  if (entry.validator !== finding.validator) return false;
  if (finding.rule !== entry.rule && !finding.rule.startsWith(`${entry.rule}[`)) return false;
  return entry.resources.some((r) => globMatch(r, finding.resource));
}

export interface Verdict {
  readonly open: Finding[];
  readonly accepted: Finding[];
  /** Table rows that matched no finding: the table is out of date. */
  readonly stale: AcceptedFinding[];
}

export function judge(findings: readonly Finding[], accepted: readonly AcceptedFinding[]): Verdict {
  const open: Finding[] = [];
  const acceptedFindings: Finding[] = [];
  const used = new Set<AcceptedFinding>();
  for (const finding of findings) {
    const entry = accepted.find((a) => isAccepted(finding, a));
    if (entry) {
      used.add(entry);
      acceptedFindings.push(finding);
    } else {
      open.push(finding);
    }
  }
  return { open, accepted: acceptedFindings, stale: accepted.filter((a) => !used.has(a)) };
}

/** Counts per validator and rule (rule without the `[finding]` suffix). */
export function countByRule(findings: readonly Finding[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of findings) {
    const key = `${f.validator} ${f.rule.replace(/\[.*$/, '')} (${f.severity})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => a.localeCompare(b)));
}

// ------------------------------------------------------------------ CLI

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      template: { type: 'string' },
      all: { type: 'boolean', default: false },
      json: { type: 'string' },
    },
  });
  const started = Date.now();
  let templatePath = values.template;
  let packageDir: string | undefined;
  try {
    if (!templatePath) {
      packageDir = await mkdtemp(path.join(os.tmpdir(), 'claims-validate-'));
      const packaged = await packageService(packageDir, { stage: 'ci' });
      if (!packaged.ok) {
        console.error(`osls package failed:\n${packaged.text}`);
        return 1;
      }
      templatePath = packaged.templatePath;
      console.log(`packaged in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
    const times: string[] = [];
    const timed = <T>(name: string, run: () => T): T => {
      const t = Date.now();
      const result = run();
      times.push(`${name} ${((Date.now() - t) / 1000).toFixed(1)} s`);
      return result;
    };
    const findings = [
      ...timed('cfn-validate', () => runCfnValidate(templatePath as string)),
      ...timed('cfn-guard', () => runCfnGuard(templatePath as string)),
      ...timed('cdk-nag', () => runCdkNag(templatePath as string)),
    ];
    const accepted = parseAccepted(await readFile(path.join(ROOT, 'docs', 'deploy.md'), 'utf8'));
    const verdict = judge(findings, accepted);
    if (values.json) await writeFile(values.json, `${JSON.stringify({ findings, verdict }, null, 2)}\n`);

    console.log(`validators: ${times.join(', ')}`);
    console.log('\nfindings per validator and rule (all / accepted in docs/deploy.md):');
    const all = countByRule(findings);
    const ok = countByRule(verdict.accepted);
    for (const [key, n] of all) console.log(`  ${key}: ${n}${ok.get(key) ? ` / ${ok.get(key)} accepted` : ''}`);
    for (const validator of VALIDATORS) {
      const mine = findings.filter((f) => f.validator === validator);
      const open = verdict.open.filter((f) => f.validator === validator);
      const errors = open.filter((f) => f.severity === 'error').length;
      const warnings = open.filter((f) => f.severity === 'warning').length;
      console.log(
        `${validator}: ${mine.length} findings, ${mine.length - open.length} accepted, ${errors} errors, ${warnings} warnings open`,
      );
    }
    const shown = values.all ? findings : verdict.open;
    if (shown.length > 0) {
      console.log(values.all ? '\nall findings:' : '\nopen findings (fix them, or accept them in docs/deploy.md):');
      for (const f of shown) console.log(`  [${f.severity}] ${f.validator} ${f.rule} ${f.resource}: ${f.message}`);
    }
    for (const s of verdict.stale) {
      console.log(
        `stale accepted entry (matches nothing; remove it): ${s.validator} ${s.rule} ${s.resources.join(',')}`,
      );
    }
    const failing = verdict.open.filter((f) => f.severity !== 'info');
    console.log(
      `\nvalidators: ${failing.length === 0 && verdict.stale.length === 0 ? 'PASS' : 'FAIL'} — ${failing.length} open errors/warnings, ${verdict.stale.length} stale entries (${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    return failing.length === 0 && verdict.stale.length === 0 ? 0 : 1;
  } finally {
    if (packageDir) await rm(packageDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
