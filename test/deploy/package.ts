/**
 * Packages serverless.yml offline with osls + serverless-esbuild (dummy credentials, no network to
 * AWS) into a directory and returns the generated CloudFormation template's path. Used by the
 * template test (test/deploy/cloudformation.test.ts) and by the validator step
 * (test/deploy/validate-stack.ts, run in .ci/run).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OSLS = path.join(ROOT, 'node_modules', '.bin', 'osls');

/** Packaging reads no AWS state; these only stop the SDK from searching for credentials. */
export const PACKAGING_ENV: NodeJS.ProcessEnv = {
  AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'packaging-only-not-a-secret',
  AWS_REGION: 'us-east-1',
  AWS_SDK_LOAD_CONFIG: '0',
  SLS_TELEMETRY_DISABLED: '1',
  SLS_NOTIFICATIONS_MODE: 'off',
};

export interface PackageResult {
  readonly ok: boolean;
  /** osls output (shown when packaging fails). */
  readonly text: string;
  /** cloudformation-template-update-stack.json in the package directory. */
  readonly templatePath: string;
}

/**
 * Runs `osls package --stage <stage> --package <dir>`. On a build error osls prints it but does
 * not exit, so an error line ends the run at once instead of at the timeout.
 *
 * @example
 * const { ok, templatePath } = await packageService('/tmp/pkg', { stage: 'ci' });
 */
export function packageService(
  packageDir: string,
  options: { stage?: string; params?: Record<string, string>; timeoutMs?: number } = {},
): Promise<PackageResult> {
  const args = ['package', '--stage', options.stage ?? 'ci', '--package', packageDir];
  for (const [name, value] of Object.entries(options.params ?? {})) args.push(`--param=${name}=${value}`);
  const templatePath = path.join(packageDir, 'cloudformation-template-update-stack.json');
  return new Promise((resolve) => {
    const child = spawn(OSLS, args, {
      cwd: ROOT,
      env: { ...process.env, ...PACKAGING_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    let failed = false;
    const timer = setTimeout(() => {
      failed = true;
      text += `\n(timed out after ${(options.timeoutMs ?? 300_000) / 1000} s)`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 300_000);
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
      resolve({ ok: code === 0 && !failed, text, templatePath });
    });
  });
}

/**
 * The service configuration with every variable resolved (`osls print --format json`): a few
 * seconds of CPU instead of a whole packaging, for checking what stage parameters change.
 *
 * @example
 * const config = await printConfig({ stage: 'ci', params: { customerManagedKeys: 'false' } });
 */
export function printConfig(options: { stage?: string; params?: Record<string, string> } = {}): Promise<unknown> {
  const args = ['print', '--stage', options.stage ?? 'ci', '--format', 'json'];
  for (const [name, value] of Object.entries(options.params ?? {})) args.push(`--param=${name}=${value}`);
  return new Promise((resolve, reject) => {
    const child = spawn(OSLS, args, {
      cwd: ROOT,
      env: { ...process.env, ...PACKAGING_ENV },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`osls print failed (${code}):\n${err}${out}`));
      try {
        resolve(JSON.parse(out));
      } catch (error) {
        reject(new Error(`osls print gave no JSON: ${String(error)}\n${out.slice(0, 500)}`));
      }
    });
  });
}
