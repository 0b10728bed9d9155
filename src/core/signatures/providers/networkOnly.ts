import type { VerificationResult } from '../types';
import { type ProviderDef } from '../engine';
import { hasHeader } from '../util';

// ---------------------------------------------------------------------------------------------
// Schemes that need the network: detected, reported as unsupported.
// ---------------------------------------------------------------------------------------------

export function networkOnly(id: string, name: string, headers: string[], why: string): ProviderDef {
  return {
    id,
    name,
    canSign: false,
    detect: (req) => hasHeader(req, ...headers),
    verify(): VerificationResult {
      return {
        provider: id,
        status: 'unsupported',
        reason: `${name} signatures cannot be checked offline: ${why}.`,
        hint: `Verify ${name} deliveries in your handler with the provider's SDK; the inspector only shows them.`,
      };
    },
  };
}
