import { defaultStoreDir } from '../core/dataDir';
import { DEFAULT_MAX_BODY_SIZE } from '../core/receiver';
import { GENERATE_HELP } from './commands/generate';

export const HELP = `webhook-inspector: capture and inspect webhooks from the terminal.

Usage:
  webhook-inspector listen [options]       run the receiver; print one line per event
  webhook-inspector events [options]       list the stored events, newest first
  webhook-inspector show <id> [options]    print one stored event
  webhook-inspector resend <id> [options]  send a stored event to your handler again
  webhook-inspector replay <id…> --to URL [options]
                                           deliver several events in order (or --scenario FILE)
  webhook-inspector scenario save <id…> --out FILE
                                           write the events as a scenario file (.scenario.json)
  webhook-inspector send-sample <provider> <event> [options]
                                           send a signed sample event (--list: the samples)
  webhook-inspector generate types <id…> [--type T] --lang ts|zod|jsonschema [--name NAME]
                                           types or a JSON Schema merged from stored events
  webhook-inspector generate test <id> --framework node|vitest|jest --out DIR
                                           a regression test that replays the event, signed afresh
  webhook-inspector mcp [options]          an MCP server over stdio for coding agents (reads
                                           --store while listen or VS Code writes it; resends
                                           go to loopback only unless --allow-host; secrets
                                           from --secret / WEBHOOK_INSPECTOR_SECRET_*)
  webhook-inspector --help | --version

Options:
  --port N             port on 127.0.0.1 (listen; default 0 = any free port)
  --tunnel MODE        how providers reach you (listen): localtunnel (default; a public
                       URL through the localtunnel server), cloudflared (a quick tunnel
                       through your installed cloudflared), none (local only), or
                       external (your own ngrok/cloudflared URL, see --public-url)
  --cloudflared-path P the cloudflared executable (--tunnel cloudflared; default: on PATH)
  --tunnel-host URL    the localtunnel server (default https://localtunnel.me)
  --subdomain NAME     ask the localtunnel server for this subdomain
  --public-url URL     the public URL of your own tunnel (--tunnel external)
  --store DIR          the event store folder
                       (default: ${defaultStoreDir()})
  --json               one JSON object per line on stdout, for scripts:
                         {"type":"receiver","state":…,"url":…} on every state change
                         {"type":"event","id":…,"headers":[[name,value],…],"body":"<base64>",…}
                         {"type":"publicUrlChanged","previousUrl":…,"publicUrl":…} when a
                         reconnect gives another public URL (update your providers)
                       bodies over 1 MB are left out and "bodyFile" names the stored file
  --max-body-size N    bytes; larger bodies get 413 (listen; default ${DEFAULT_MAX_BODY_SIZE})
  --max-events N       events kept; the oldest unpinned are evicted (default 1000)
  --secret P=VALUE     a signing secret for provider P (listen, resend; repeatable, e.g.
                       --secret stripe=whsec_… --secret github=…); also read from
                       WEBHOOK_INSPECTOR_SECRET_<PROVIDER> environment variables
                       (e.g. WEBHOOK_INSPECTOR_SECRET_STANDARD_WEBHOOKS)
  --rate-limit N       requests a minute per sender address before 429 (listen; default 0 = off)

Forwarding (listen):
  --forward-to URL     forward every captured event to your handler, e.g. http://localhost:3000;
                       the event's path and query are kept unless URL names a path. Signatures
                       are renewed with the --secret secrets where the provider allows it.
                       --json prints {"type":"delivery","eventId":…,"target":…,"state":…,
                       "attempt":…,"status":…} on every delivery state change
  --response-mode M    immediate (default: the sender gets 200 at once, delivery follows with
                       retries) or proxy (the sender gets the handler's status and body)
  --forward-timeout MS proxy mode: how long the sender waits for the handler (default 10000)
  --max-attempts N     immediate mode: attempts per event, retries included (default 5)
  --allow-host HOST    allow a target that is not this machine (repeatable; forwarding,
                       resend and send-sample go to localhost only without it)

Resend (resend <id>):
  --to URL             the handler (default http://localhost:3000)
  --resign             always renew the signature (fails without the provider's --secret)
  --no-resign          send the stored signature as it is
                       (default: renew it when a --secret for the provider is given)
  --secret P=VALUE     the provider's signing secret, to renew the signature
  --yes                send even when the preflight warns (e.g. a stale signature)
  --json               print the delivery as one {"type":"delivery",…} object
                       Exit code: 0 for a 2xx/3xx answer, 1 otherwise, 2 when not sent.

Replay (replay <id…> | replay --scenario FILE):
  --to URL             the handler (required)
  --order O            received (default), reverse or shuffle
  --seed N             the shuffle's seed (printed on every shuffled run; give it to repeat one)
  --delay MS           wait MS milliseconds between deliveries (default: no delay)
  --as-received        keep the gaps between the events as they arrived
  --speed N            with --as-received: N times faster (e.g. 10)
  --resign/--no-resign as for resend; secrets from --secret or WEBHOOK_INSPECTOR_SECRET_*
  --scenario FILE      replay a scenario file (no event store needed)
  --expect-status S    what counts as success: 2xx (default), 200, 2xx,304 …
  --json               one {"type":"delivery","position":…,"eventId":…,"ok":…} line per delivery
                       Exit code: 0 all matched, 1 any failed or did not match, 2 bad usage or
                       a malformed scenario file (the message names the entry and field).

Scenario (scenario save <id…> --out FILE):
  --out FILE           e.g. .webhooks/checkout.scenario.json; bodies as UTF-8 text, or base64
                       when binary; credential headers (Authorization, Cookie, X-Gitlab-Token)
                       are left out; signatures are renewed at replay time, never stored as secrets

Samples (send-sample <provider> <event>):
  --list               list the samples (provider, event, description)
  --print              print the request instead of sending it
  --to URL             the handler (default http://localhost:3000, with the sample's path)
  --secret VALUE       sign with this secret (default WEBHOOK_INSPECTOR_SECRET_<PROVIDER>)
  --limit N            how many events to list (events; default all)
  -h, --help           this text

${GENERATE_HELP}

Examples:
  webhook-inspector listen --port 4000
  curl --data-binary @payload.json 'http://127.0.0.1:4000/webhooks?x=1'
  webhook-inspector events --json | jq .
  webhook-inspector listen --forward-to http://localhost:3000 --secret stripe=whsec_…
  webhook-inspector resend evt_… --to http://localhost:3000/webhooks --secret stripe=whsec_…
  webhook-inspector send-sample stripe payment_intent.succeeded --secret whsec_…
`;
