import type { KnobWording } from '../core/knobs';
import { secretEnvName } from '../core/verification';

/** Where a terminal user changes what a core error or hint is about: a flag or an environment variable. */
export const cliWording: KnobWording = ({ knob, provider }) => {
  switch (knob) {
    case 'signingSecret':
      return provider
        ? `Pass --secret ${provider}=<secret>, or set ${secretEnvName(provider)}.`
        : 'Pass --secret <provider>=<secret>, or set WEBHOOK_INSPECTOR_SECRET_<PROVIDER>.';
    case 'maxBodySize':
      return 'Raise the limit with --max-body-size.';
    case 'rateLimit':
      return 'Change the limit with --rate-limit (0 turns it off).';
    case 'forwardTarget':
      return 'Check the handler address given with --forward-to (listen) or --to (resend, send-sample).';
    case 'forwardTimeout':
      return 'Give the handler longer with --forward-timeout.';
    case 'cloudflaredPath':
      return 'Or pass --cloudflared-path with the binary.';
    case 'routeScanLimit':
      return 'The CLI scans no routes.';
  }
};
