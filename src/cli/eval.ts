/**
 * `claims eval`: the evaluation set through the real pipeline (local PostgreSQL; the offline
 * engine via the Bedrock stand-in, or real Bedrock with LLM_PROVIDER=bedrock and BEDROCK_MODEL_ID).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AdminError } from '../admin/errors.ts';
import { isTemplateName, TemplateRepository } from '../admin/template-repository.ts';
import { EvalSetError, parseCases } from '../eval/cases.ts';
import { caseLine, summaryLines } from '../eval/report.ts';
import { runEval, withTemplate } from '../eval/run.ts';
import { REPO_ROOT, startLocalRuntime } from '../runtime/local.ts';
import { CliError, parse, print, printJson, UsageError } from './args.ts';

export const DEFAULT_SET = path.join(REPO_ROOT, 'eval', 'cases.jsonl');

const HELP = `Usage: claims eval [--set FILE.jsonl] [--template NAME@VERSION] [--json] [--min-accuracy X]

Runs an evaluation set through the same pipeline as the API and prints execution accuracy
(generated SQL returns the reference SQL's rows), refusal accuracy and latency per stage.
--set           the cases (default eval/cases.jsonl; format in src/eval/cases.ts)
--template      evaluate a stored version instead of the published one, e.g. sql@3
--json          print one JSON summary instead of lines
--min-accuracy  exit 1 when overall accuracy is below X (0..1); otherwise exit 0 when it ran
Set LLM_PROVIDER=bedrock and BEDROCK_MODEL_ID (and AWS credentials) to measure a real Bedrock model.`;

export async function run(argv: string[]): Promise<number> {
  const { values } = parse(argv, {
    set: { type: 'string' },
    template: { type: 'string' },
    json: { type: 'boolean' },
    'min-accuracy': { type: 'string' },
    concurrency: { type: 'string' },
  });
  if (values.help) {
    print(HELP);
    return 0;
  }
  const template = parseTemplateArg(values.template);
  const minAccuracy = values['min-accuracy'] === undefined ? undefined : Number(values['min-accuracy']);
  if (minAccuracy !== undefined && !(minAccuracy >= 0 && minAccuracy <= 1))
    throw new UsageError('--min-accuracy needs a number between 0 and 1, for example 0.9');
  const concurrency = Number(values.concurrency ?? 2);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
    throw new UsageError('--concurrency needs a whole number from 1 to 16');

  const setFile = values.set ?? DEFAULT_SET;
  let text: string;
  try {
    text = await readFile(setFile, 'utf8');
  } catch {
    throw new CliError(`cannot read the evaluation set ${setFile}`);
  }
  let cases: ReturnType<typeof parseCases>;
  try {
    cases = parseCases(text);
  } catch (err) {
    if (err instanceof EvalSetError) throw new CliError(`${setFile}: ${err.message}`);
    throw err;
  }
  if (cases.length === 0) throw new CliError(`${setFile} has no cases`);

  const log = values.json ? () => undefined : (line: string) => process.stderr.write(`${line}\n`);
  const runtime = await startLocalRuntime({ onProgress: (l) => log(`  ${l}`) });
  try {
    let ports = runtime.ports;
    if (template) {
      const store = new TemplateRepository(runtime.db.pool);
      try {
        const tpl = await store.get(template.name, template.version);
        ports = { ...ports, prompts: withTemplate(ports.prompts, tpl) };
      } catch (err) {
        if (err instanceof AdminError) throw new CliError(err.message);
        throw err;
      }
    }
    log(`running ${cases.length} cases (model endpoint: ${runtime.llmEndpoint})`);
    const summary = await runEval(cases, ports, {
      concurrency,
      onCase: values.json ? undefined : (r, done, total) => print(caseLine(r, done, total)),
    });
    if (values.json) {
      printJson({ ...summary, results: summary.results.map(({ timings: _t, ...r }) => r) });
    } else {
      for (const line of summaryLines(summary)) print(line);
    }
    if (minAccuracy !== undefined && summary.accuracy < minAccuracy) {
      if (!values.json) print(`accuracy ${summary.accuracy} is below --min-accuracy ${minAccuracy}`);
      return 1;
    }
    return 0;
  } finally {
    await runtime.close();
  }
}

function parseTemplateArg(value: string | undefined) {
  if (value === undefined) return undefined;
  const m = /^([a-z]+)@(\d{1,6})$/.exec(value);
  if (!m || !isTemplateName(m[1])) throw new UsageError('--template needs NAME@VERSION, for example sql@2');
  return { name: m[1], version: Number(m[2]) };
}
