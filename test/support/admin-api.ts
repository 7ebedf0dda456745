/** What admin API tests read from the answers of /v1/admin/* (one shape for every such test). */
export interface AdminBody {
  readonly [key: string]: unknown;
  jobId: string;
  total: number;
  state: string;
  done: number;
  version: number;
  system: string;
  body: string;
  error: string & { code: string };
  summary: { passed: boolean; accuracy: number; publishedAccuracy: number };
  cases: { change: string }[];
  templates: {
    name: string;
    publishedVersion: number;
    placeholders: { required: string[] };
    versions: { body?: string }[];
  }[];
  events: { action: string; actor: string }[];
  placeholders: { missing: string[]; unknown: string[] };
  prompt: string;
  sql: string;
}
