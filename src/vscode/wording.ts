import type { KnobWording } from '../core/knobs';

/** Where a VS Code user changes what a core error or hint is about: a command or a setting. */
export const vscodeWording: KnobWording = ({ knob, provider }) => {
  switch (knob) {
    case 'signingSecret':
      return `Run "Webhook Inspector: Set Signing Secret"${provider ? ` for ${provider}` : ''} to store the secret.`;
    case 'maxBodySize':
      return 'Raise the setting webhookInspector.maxBodySize.';
    case 'rateLimit':
      return 'Change the setting webhookInspector.rateLimitPerMinute (0 turns it off).';
    case 'forwardTarget':
      return 'Check the setting webhookInspector.forward.target (or the routing rule for this path).';
    case 'forwardTimeout':
      return 'Give the handler longer with the setting webhookInspector.forward.timeout.';
    case 'cloudflaredPath':
      return 'Or set webhookInspector.tunnel.cloudflaredPath to the binary.';
    case 'routeScanLimit':
      return 'Exclude folders with files.exclude or search.exclude, or raise the setting webhookInspector.routes.maxFiles.';
  }
};
