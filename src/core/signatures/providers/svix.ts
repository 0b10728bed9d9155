import type { SignedRequest } from '../types';
import { hasHeader, isRecord, parseJson } from '../util';

// ---------------------------------------------------------------------------------------------
// Svix-delivered providers: tell Clerk and Resend apart from plain Svix by the event type.
// ---------------------------------------------------------------------------------------------

function svixEventType(req: SignedRequest): string | undefined {
  const body = parseJson(req.body);
  return isRecord(body) && typeof body.type === 'string' ? body.type : undefined;
}

const CLERK_TYPES =
  /^(user|session|organization|organizationMembership|organizationInvitation|organizationDomain|email|sms|role|permission|waitlistEntry|subscription|subscriptionItem|paymentAttempt)\./;
const RESEND_TYPES = /^(email|contact|domain)\./;

export function looksLikeClerk(req: SignedRequest): boolean {
  const body = parseJson(req.body);
  const type = svixEventType(req);
  return isRecord(body) && body.object === 'event' && type !== undefined && CLERK_TYPES.test(type);
}

export function looksLikeResend(req: SignedRequest): boolean {
  const type = svixEventType(req);
  return type !== undefined && RESEND_TYPES.test(type) && !looksLikeClerk(req);
}

export const hasSvix = (req: SignedRequest): boolean => hasHeader(req, 'svix-signature', 'svix-id', 'svix-timestamp');
