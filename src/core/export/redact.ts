/**
 * Credential redaction for exports that leave the machine (HAR, `.http`): the values of headers that
 * carry credentials are replaced by a marker, names and order stay, so the file still shows that the
 * header was there. Signature headers (`Stripe-Signature`, `X-Hub-Signature-256`, …) are not
 * credentials: they are useless without the secret and are needed to replay the request.
 */

/** Lower-case names of the headers whose values are redacted. */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export const REDACTED = '[redacted]';

export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name.toLowerCase());
}

/** True when any of the headers would be redacted (the commands ask the user only then). */
export function hasCredentials(headers: ReadonlyArray<readonly [string, string]>): boolean {
  return headers.some(([name]) => isCredentialHeader(name));
}

/** A copy of the headers, credential values replaced when `redact` is true; order, case and duplicates kept. */
export function redactHeaders(headers: ReadonlyArray<readonly [string, string]>, redact: boolean): Array<[string, string]> {
  return headers.map(([name, value]) => [name, redact && isCredentialHeader(name) ? REDACTED : value]);
}
