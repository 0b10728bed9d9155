import { hasHeader, hasHeaderPrefix, header } from '../util';
import type { ProviderDef } from '../engine';
import { bodyOnly, standardFamily, tv1, v0 } from '../schemes';
import { genericHmac } from '../generic';
import { paddle, shopify, square } from './commerce';
import { gitlab, linear, twitch } from './devtools';
import { github, meta } from './hub';
import { hubspot } from './hubspot';
import { discord, sendgrid } from './keyPair';
import { mailgun } from './mailgun';
import { networkOnly } from './networkOnly';
import { hasSvix, looksLikeClerk, looksLikeResend } from './svix';
import { box, zendesk } from './timestamped';
import { twilio } from './twilio';

// ---------------------------------------------------------------------------------------------
// The catalogue, in detection order (more specific first).
// ---------------------------------------------------------------------------------------------

export const PROVIDERS: ProviderDef[] = [
  networkOnly(
    'paypal',
    'PayPal',
    ['paypal-transmission-sig', 'paypal-transmission-id', 'paypal-cert-url'],
    "the signature is RSA with PayPal's key, whose certificate (or the verify-webhook-signature API) must be fetched",
  ),
  networkOnly(
    'plaid',
    'Plaid',
    ['plaid-verification'],
    'the Plaid-Verification JWT is signed with a key that must be fetched from the Plaid API with your client credentials',
  ),
  networkOnly(
    'amazon-sns',
    'Amazon SNS',
    ['x-amz-sns-message-type', 'x-amz-sns-topic-arn'],
    'SNS messages are signed with an AWS certificate that must be downloaded from SigningCertURL',
  ),
  gitlab,
  tv1({ id: 'stripe', name: 'Stripe', header: 'stripe-signature', tolerance: 300, detect: (req) => hasHeader(req, 'stripe-signature') }),
  github,
  shopify,
  v0({
    id: 'slack',
    name: 'Slack',
    header: 'x-slack-signature',
    timestampHeader: 'x-slack-request-timestamp',
    tolerance: 300,
    detect: (req) => hasHeader(req, 'x-slack-signature', 'x-slack-request-timestamp'),
  }),
  standardFamily({ id: 'clerk', name: 'Clerk', prefix: 'svix', detect: (req) => hasSvix(req) && looksLikeClerk(req) }),
  standardFamily({ id: 'resend', name: 'Resend', prefix: 'svix', detect: (req) => hasSvix(req) && looksLikeResend(req) }),
  standardFamily({ id: 'svix', name: 'Svix', prefix: 'svix', detect: hasSvix }),
  standardFamily({
    id: 'standard-webhooks',
    name: 'Standard Webhooks',
    prefix: 'webhook',
    detect: (req) => hasHeader(req, 'webhook-signature') || (hasHeader(req, 'webhook-id') && hasHeader(req, 'webhook-timestamp')),
  }),
  sendgrid,
  twilio,
  hubspot,
  square,
  paddle,
  bodyOnly({
    id: 'lemonsqueezy',
    name: 'Lemon Squeezy',
    header: 'x-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeader(req, 'x-event-name'),
  }),
  bodyOnly({
    id: 'bitbucket',
    name: 'Bitbucket',
    header: 'x-hub-signature',
    alg: 'sha256',
    enc: 'hex',
    algPrefix: true,
    detect: (req) => hasHeader(req, 'x-event-key', 'x-hook-uuid'),
  }),
  linear,
  v0({
    id: 'zoom',
    name: 'Zoom',
    header: 'x-zm-signature',
    timestampHeader: 'x-zm-request-timestamp',
    tolerance: 300,
    detect: (req) => hasHeaderPrefix(req, 'x-zm-'),
  }),
  discord,
  twitch,
  bodyOnly({
    id: 'woocommerce',
    name: 'WooCommerce',
    header: 'x-wc-webhook-signature',
    alg: 'sha256',
    enc: 'base64',
    detect: (req) => hasHeaderPrefix(req, 'x-wc-webhook-'),
  }),
  bodyOnly({
    id: 'typeform',
    name: 'Typeform',
    header: 'typeform-signature',
    alg: 'sha256',
    enc: 'base64',
    algPrefix: true,
    detect: (req) => hasHeader(req, 'typeform-signature'),
  }),
  tv1({
    id: 'calendly',
    name: 'Calendly',
    header: 'calendly-webhook-signature',
    tolerance: 180,
    detect: (req) => hasHeader(req, 'calendly-webhook-signature'),
  }),
  bodyOnly({
    id: 'sentry',
    name: 'Sentry',
    header: 'sentry-hook-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeaderPrefix(req, 'sentry-hook-'),
  }),
  bodyOnly({
    id: 'asana',
    name: 'Asana',
    header: 'x-hook-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeader(req, 'x-hook-signature', 'x-hook-secret'),
  }),
  box,
  zendesk,
  bodyOnly({
    id: 'razorpay',
    name: 'Razorpay',
    header: 'x-razorpay-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeaderPrefix(req, 'x-razorpay-'),
  }),
  bodyOnly({
    id: 'coinbase',
    name: 'Coinbase Commerce',
    header: 'x-cc-webhook-signature',
    alg: 'sha256',
    enc: 'hex',
    detect: (req) => hasHeader(req, 'x-cc-webhook-signature'),
  }),
  bodyOnly({
    id: 'vercel',
    name: 'Vercel',
    header: 'x-vercel-signature',
    alg: 'sha1',
    enc: 'hex',
    detect: (req) => hasHeader(req, 'x-vercel-signature'),
  }),
  bodyOnly({
    id: 'line',
    name: 'LINE',
    header: 'x-line-signature',
    alg: 'sha256',
    enc: 'base64',
    detect: (req) => hasHeader(req, 'x-line-signature'),
  }),
  meta,
  bodyOnly({
    id: 'intercom',
    name: 'Intercom',
    header: 'x-hub-signature',
    alg: 'sha1',
    enc: 'hex',
    algPrefix: true,
    detect: (req) => hasHeader(req, 'x-hub-signature') || /intercom/i.test(header(req, 'user-agent') ?? ''),
  }),
  mailgun,
  genericHmac,
];

export function providerDef(id: string): ProviderDef | undefined {
  return PROVIDERS.find((p) => p.id === id);
}
