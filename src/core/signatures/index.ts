/**
 * Webhook signature verification, re-signing and endpoint handshakes. Pure: only Node's standard library.
 */
export type {
  GenericHmacConfig,
  HmacAlgorithm,
  ProviderInfo,
  SignOptions,
  SignatureEncoding,
  SignedRequest,
  VerificationResult,
  VerifyOptions,
} from './types';
export { detectProvider, providers, signRequest, verifyRequest } from './verify';
export { HANDSHAKES, HANDSHAKE_IDS, answerHandshake } from './handshakes';
export type { HandshakeInfo, HandshakeOptions, HandshakeResponse } from './handshakes';
