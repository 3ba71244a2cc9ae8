#!/usr/bin/env bash
# Drives the real `fairdesk` binary the way an operator would: on SQLite (nothing set) or on
# PostgreSQL (DATABASE_URL set). Starts in a fresh folder, checks migrate, seed, serve, the API
# and audit verify, and stops everything it started.
set -euo pipefail
bin=${FAIRDESK_BIN:-$(cd "$(dirname "$0")/.." && pwd)/.build/debug/fairdesk}
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
export FAIRDESK_PORT=$port FAIRDESK_DEMO_PASSWORD=smoke-test-password FAIRDESK_BCRYPT_COST=6
cd "$work"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
step() { echo "-- $*"; }
# Whatever step fails, show why: the server's and the mail server's last words.
trap 'status=$?; echo "smoke test failed at line $LINENO (exit $status)" >&2; tail -40 serve.log smtp.log 2>/dev/null >&2' ERR
json() { python3 -c "import sys,json; d=json.load(sys.stdin); print($1)"; }

if [ -n "${DATABASE_URL:-}" ]; then
  step "serve refuses an unmigrated PostgreSQL database"
  if "$bin" serve >serve.log 2>&1; then echo "serve started without migrations" >&2; exit 1; fi
  grep -q "run \`fairdesk migrate\` first" serve.log
  step "fairdesk migrate"
  "$bin" migrate --yes | tail -2
fi
step "fairdesk seed --customers 500 --cases 2000 --seed 5"
"$bin" seed --customers 500 --cases 2000 --seed 5 | tail -3

# A real SMTP server (aiosmtpd, from PyPI) that prints what it receives, so policy mail can be seen leaving.
smtp_port=$((port + 1))
python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" >smtp.log 2>&1 &
smtpd=$!
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; kill "$smtpd" 2>/dev/null || true; rm -rf "$work"; }

step "fairdesk serve on port $port, mail to smtp://127.0.0.1:$smtp_port"
FAIRDESK_SMTP_URL="smtp://127.0.0.1:$smtp_port" FAIRDESK_MAIL_FROM="Fairdesk smoke <smoke@fairdesk.example>" \
  "$bin" serve >serve.log 2>&1 &
server=$!
for _ in $(seq 1 60); do curl -sf "localhost:$port/health" >/dev/null && break; sleep 0.5; done
curl -sf "localhost:$port/health" | grep -q '"status":"ok"' || { cat serve.log; exit 1; }

step "log in as the demo agent and work a case"
token=$(curl -sf -XPOST "localhost:$port/api/v1/auth/tokens" -H 'content-type: application/json' \
  -d '{"email":"agent@fairdesk.example","password":"smoke-test-password"}' | json 'd["token"]')
auth="Authorization: Bearer $token"
made=$(curl -sf -XPOST "localhost:$port/api/v1/inbound/messages" -H "$auth" -H 'content-type: application/json' \
  -d '{"channel":"email","from":{"kind":"email","value":"smoke@example.com"},"body":"Where is my parcel?"}')
case_id=$(echo "$made" | json 'd["caseId"]')
customer_id=$(echo "$made" | json 'd["customerId"]')
# A new customer meets the bot first. The message is stored and acknowledged at once; the bot's
# answer follows on the timeline: with no order number to look up, it asks for one.
[ "$(echo "$made" | json 'd["botAnswers"]')" = True ] || { echo "the bot was not to answer: $made" >&2; exit 1; }
asked=""
for _ in $(seq 1 40); do
  asked=$(curl -sf "localhost:$port/api/v1/customers/$customer_id/timeline" -H "$auth" \
    | json '" ".join(e["body"] for e in d["items"])')
  echo "$asked" | grep -q "Which order is this about?" && break
  sleep 0.25
done
echo "$asked" | grep -q "Which order is this about?" \
  || { echo "the bot did not ask for the order number: $asked" >&2; exit 1; }
curl -sf -XPOST "localhost:$port/api/v1/cases/$case_id/status" -H "$auth" -H 'content-type: application/json' \
  -d '{"status":"resolved","reason":"answered"}' >/dev/null
items=$(curl -sf "localhost:$port/api/v1/customers/$customer_id/timeline" -H "$auth" | json 'len(d["items"])')
[ "$items" = 3 ] || { echo "expected 3 timeline entries (message, the bot's question, resolution), got $items" >&2; exit 1; }
curl -sf "localhost:$port/metrics" | grep -c 'http_requests_total' >/dev/null  # -q would stop reading early: curl then fails (23)

step "the agent searches the demo knowledge base"
found=$(curl -sf "localhost:$port/api/v1/knowledge?q=no%20printer%20for%20the%20return%20label" -H "$auth" \
  | json 'd["results"][0]["slug"]')
[ "$found" = return-label ] || { echo "the knowledge base search found $found, not return-label" >&2; exit 1; }

step "the policy owner publishes a change for drivers; the demo driver is emailed over SMTP"
owner=$(curl -sf -XPOST "localhost:$port/api/v1/auth/tokens" -H 'content-type: application/json' \
  -d '{"email":"policy@fairdesk.example","password":"smoke-test-password"}' | json 'd["token"]')
effective=$(date -u -d '+15 days' +%Y-%m-%dT%H:%M:%SZ)
body=$(curl -sf "localhost:$port/api/v1/policies/driver-standing/versions/1" -H "Authorization: Bearer $owner" \
  | python3 -c "import sys,json; v=json.load(sys.stdin); print(json.dumps({'summary':'Appeals within 21 days',
'body':v['body'],'roles':['driver'],'parameters':dict(v['parameters'],appeal_window_days=21),'effectiveAt':'$effective'}))")
curl -sf -XPOST "localhost:$port/api/v1/policies/driver-standing/versions" -H "Authorization: Bearer $owner" \
  -H 'content-type: application/json' -d "$body" | json 'd["citation"]'
for _ in $(seq 1 40); do grep -q "Subject: Policy change: Driver standing and deactivation, version 2" smtp.log && break; sleep 0.5; done
grep -q "Subject: Policy change: Driver standing and deactivation, version 2" smtp.log \
  || { echo "no policy email reached the SMTP server" >&2; cat smtp.log serve.log | tail -40; exit 1; }
grep -q "To: Dee Driver <driver@fairdesk.example>" smtp.log

step "an email comes in through the pipe (fairdesk ingest-mail); the agent's reply leaves by SMTP in its thread"
piped=$(printf 'From: Pat Pipe <pat@example.com>\r\nTo: support@fairdesk.example\r\nSubject: Smoke parcel\r\nMessage-ID: <smoke-1@example.com>\r\n\r\nMy parcel is lost.\r\n' \
  | "$bin" ingest-mail)
echo "$piped"
number=$(echo "$piped" | sed -n 's/.*filed in case \([0-9]*\) (new case).*/\1/p')
[ -n "$number" ] || { echo "the piped email did not start a case" >&2; exit 1; }
mail_case=$(curl -sf "localhost:$port/api/v1/cases?limit=200" -H "$auth" \
  | json "[c['id'] for c in d['items'] if c['number'] == $number][0]")
curl -sf -XPOST "localhost:$port/api/v1/cases/$mail_case/messages" -H "$auth" -H 'content-type: application/json' \
  -d '{"body":"We are sending a new one today."}' >/dev/null
# Two mails in the thread: the bot's automatic answer to the email, then the agent's reply.
for _ in $(seq 1 40); do [ "$(grep -c "Subject: Re: Smoke parcel (case $number)" smtp.log)" -ge 2 ] && break; sleep 0.5; done
[ "$(grep -c "Subject: Re: Smoke parcel (case $number)" smtp.log)" -ge 2 ] \
  || { echo "the bot's answer and the agent's reply did not both reach the SMTP server" >&2; exit 1; }
grep -q "Auto-Submitted: auto-generated" smtp.log
grep -q "In-Reply-To: <smoke-1@example.com>" smtp.log
ours=$(grep -A12 "Subject: Re: Smoke parcel" smtp.log | sed -n 's/^Message-ID: <\(.*\)>.*/\1/p' | head -1)
step "the customer's answer, posted by a relay to /api/v1/inbound/email, joins the same case"
answer=$(printf 'From: pat@example.com\r\nSubject: thanks\r\nMessage-ID: <smoke-2@example.com>\r\nIn-Reply-To: <%s>\r\n\r\nThank you!\r\n' "$ours" \
  | curl -sf -XPOST "localhost:$port/api/v1/inbound/email" -H "$auth" -H 'content-type: message/rfc822' --data-binary @-)
[ "$(echo "$answer" | json 'd["caseNumber"]')" = "$number" ] || { echo "the answer missed its case: $answer" >&2; exit 1; }
[ "$(echo "$answer" | json 'd["threadedBy"]')" = "in-reply-to" ]
kill "$server"; wait "$server" 2>/dev/null || true; server=""

step "fairdesk reparse"
"$bin" reparse | tail -1
step "fairdesk audit verify"
"$bin" audit verify | tail -1
echo "smoke test passed"
