/** Parses a `.env` file: `KEY=value`, `export KEY=value`, quotes, `#` comments. Values are not expanded. */
export function parseDotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      continue;
    }
    let value = m[2]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.lastIndexOf(quote) > 0) {
      value = value.slice(1, value.lastIndexOf(quote));
      if (quote === '"') {
        value = value.replace(/\\n/g, '\n');
      }
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    vars.set(m[1]!, value);
  }
  return vars;
}

const SPECIAL: Record<string, string[]> = {
  slack: ['SLACK_SIGNING_SECRET'],
  shopify: ['SHOPIFY_WEBHOOK_SECRET', 'SHOPIFY_API_SECRET', 'SHOPIFY_API_SECRET_KEY', 'SHOPIFY_CLIENT_SECRET'],
  twilio: ['TWILIO_AUTH_TOKEN'],
  clerk: ['CLERK_WEBHOOK_SIGNING_SECRET', 'CLERK_WEBHOOK_SECRET'],
  'standard-webhooks': ['WEBHOOK_SECRET', 'STANDARD_WEBHOOKS_SECRET'],
  hubspot: ['HUBSPOT_CLIENT_SECRET'],
  zoom: ['ZOOM_WEBHOOK_SECRET_TOKEN', 'ZOOM_SECRET_TOKEN'],
  'meta-verify-token': ['META_VERIFY_TOKEN', 'FACEBOOK_VERIFY_TOKEN', 'WHATSAPP_VERIFY_TOKEN'],
  meta: ['META_APP_SECRET', 'FACEBOOK_APP_SECRET'],
  line: ['LINE_CHANNEL_SECRET'],
  discord: ['DISCORD_PUBLIC_KEY'],
};

/** The variable names that conventionally hold a provider's webhook secret, e.g. `STRIPE_WEBHOOK_SECRET`. */
export function secretVariableNames(provider: string): string[] {
  const p = provider.toUpperCase().replace(/-/g, '_');
  return [...(SPECIAL[provider] ?? []), `${p}_WEBHOOK_SECRET`, `${p}_WEBHOOK_SIGNING_SECRET`, `${p}_SIGNING_SECRET`];
}

export interface SecretCandidate {
  readonly file: string;
  readonly name: string;
  readonly value: string;
}

/** Values in the given `.env` files whose names say they are this provider's webhook secret. */
export function findSecretCandidates(files: ReadonlyArray<{ file: string; text: string }>, provider: string): SecretCandidate[] {
  const names = new Set(secretVariableNames(provider));
  const out: SecretCandidate[] = [];
  for (const { file, text } of files) {
    for (const [name, value] of parseDotenv(text)) {
      if (names.has(name) && value) {
        out.push({ file, name, value });
      }
    }
  }
  return out;
}
