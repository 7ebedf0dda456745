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
  summary: { passed: boolean };
}
