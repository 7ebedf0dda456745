/**
 * Identity for a Lambda proxy event. Behind API Gateway the Cognito authorizer has already
 * verified the token and hands us its claims; the local server (no authorizer) verifies the
 * `Authorization` header itself. The body and query string are never read here.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { AuthError } from './errors.ts';
import { type Identity, identityFromClaims } from './identity.ts';
import type { TokenVerifier } from './verify.ts';

/**
 * Resolves who is asking. Authorizer claims win over any header (API Gateway verified them);
 * with no authorizer claims the header is verified with `verifier`, and with no verifier
 * either the request is unauthenticated (fail closed).
 *
 * @example
 * ```ts
 * const verifier = config.auth ? createTokenVerifier(config.auth) : undefined;
 * const identity = await identityFromEvent(event, verifier);
 * ```
 */
export async function identityFromEvent(event: APIGatewayProxyEvent, verifier?: TokenVerifier): Promise<Identity> {
  const claims = authorizerClaims(event);
  if (claims !== undefined) return identityFromClaims(claims);
  if (verifier === undefined) throw new AuthError('TOKEN_MISSING');
  return verifier(authorizationHeader(event));
}

/** REST API Cognito authorizer: `authorizer.claims`; HTTP API JWT authorizer: `authorizer.jwt.claims`. */
function authorizerClaims(event: APIGatewayProxyEvent): Record<string, unknown> | undefined {
  const authorizer: unknown = event.requestContext?.authorizer;
  if (!isRecord(authorizer)) return undefined;
  if (isRecord(authorizer.claims)) return authorizer.claims;
  if (isRecord(authorizer.jwt) && isRecord(authorizer.jwt.claims)) return authorizer.jwt.claims;
  return undefined;
}

/**
 * The one `Authorization` header value, matched case-insensitively. Several differing values
 * (e.g. `Authorization` and `authorization`, or a repeated header) are ambiguous: rejected.
 */
function authorizationHeader(event: APIGatewayProxyEvent): string | undefined {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (name.toLowerCase() === 'authorization' && typeof value === 'string') values.add(value);
  }
  for (const [name, list] of Object.entries(event.multiValueHeaders ?? {})) {
    if (name.toLowerCase() === 'authorization' && Array.isArray(list)) {
      for (const value of list) if (typeof value === 'string') values.add(value);
    }
  }
  if (values.size > 1) {
    throw new AuthError('TOKEN_INVALID', { cause: new Error('more than one Authorization header value') });
  }
  return values.values().next().value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
