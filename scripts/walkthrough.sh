#!/usr/bin/env bash
# One receivable's whole life through the API, against a platform started with
# `CLOCK=manual npm start` (demo data loaded): the supplier accepts an offer, the bank funds it, the
# business date moves to maturity, the anchor's payment is recorded, and the financing is repaid.
# Every id is read from the answer before it. test/walkthrough.e2e-spec.ts runs this very file.
set -euo pipefail
cd "$(dirname "$0")/.."
API=${API:-http://127.0.0.1:3000}
PASSWORD=${DEMO_PASSWORD:-Demo-password-1}

# field PATH: one field of the JSON answer on stdin, e.g. `field items[0].id`.
field() { node -pe "JSON.parse(require('fs').readFileSync(0, 'utf8')).$1"; }
# call TOKEN METHOD PATH [BODY]: the JSON answer; a write carries an Idempotency-Key made from what it
# does, so that repeating a step by hand replays its first answer instead of doing it twice.
call() {
  local token=$1 method=$2 path=$3 body=${4:-}
  if [ "$method" = GET ]; then
    curl -sS --fail-with-body "$API$path" -H "authorization: Bearer $token"
  else
    curl -sS --fail-with-body -X "$method" "$API$path" -H "authorization: Bearer $token" -H 'content-type: application/json' \
      -H "Idempotency-Key: walkthrough-$(printf '%s' "$method $path $body" | cksum | cut -d' ' -f1)" -d "$body"
  fi
}
login() {
  curl -sS --fail-with-body "$API/v1/auth/login" -H 'content-type: application/json' -d "{\"email\":\"$1\",\"password\":\"$PASSWORD\"}" | field accessToken
}

SUPPLIER=$(login finance@supplier1.demo)
OPERATIONS=$(login ops@bank.demo)

echo '1. The supplier reads its open offers (the worker priced them when the anchor confirmed the invoices).'
for _ in $(seq 1 60); do
  OFFERS=$(call "$SUPPLIER" GET /v1/offers)
  [ "$(echo "$OFFERS" | field items.length)" != 0 ] && break
  sleep 1
done
OFFER=$(echo "$OFFERS" | field 'items[0].id')
RECEIVABLE=$(echo "$OFFERS" | field 'items[0].receivableId')
FACE=$(echo "$OFFERS" | field 'items[0].faceAmount')
MATURITY=$(echo "$OFFERS" | field 'items[0].maturityDate')
echo "   offer $OFFER on receivable $RECEIVABLE: face $FACE CNY due $MATURITY," \
  "advance $(echo "$OFFERS" | field 'items[0].advance'), net proceeds $(echo "$OFFERS" | field 'items[0].netProceeds')"

echo '2. The supplier accepts it. The advance is within the program'"'"'s auto-approval threshold'
echo '   (1,000,000.00 CNY in the demo), so the request is approved at once; above it a bank checker approves.'
REQUEST=$(call "$SUPPLIER" POST /v1/financing-requests "{\"offerIds\":[\"$OFFER\"]}")
FINANCING=$(echo "$REQUEST" | field id)
echo "   financing request $FINANCING: $(echo "$REQUEST" | field status), autoApproved $(echo "$REQUEST" | field autoApproved)"

echo '3. Bank operations fund it: the supplier is paid the net proceeds today.'
FUNDED=$(call "$OPERATIONS" POST "/v1/financing-requests/$FINANCING/fund" '{}')
echo "   $(echo "$FUNDED" | field status) on $(echo "$FUNDED" | field valueDate): $(echo "$FUNDED" | field totalNetProceeds) CNY paid"

echo "4. The business date moves to the maturity, $MATURITY (manual clock: this needs CLOCK=manual)."
NODE_ENV=${NODE_ENV:-development} CLOCK=manual npm run --silent clock:set -- "$MATURITY"

echo '5. The anchor pays the face amount at maturity; bank operations record it: the advance goes back'
echo '   to the bank, the reserve (face − advance) to the supplier.'
PAYMENT=$(call "$OPERATIONS" POST "/v1/receivables/$RECEIVABLE/payments" "{\"amount\":\"$FACE\",\"paidOn\":\"$MATURITY\"}")
echo "   paid $(echo "$PAYMENT" | field amount): $(echo "$PAYMENT" | field toBank) to the bank, $(echo "$PAYMENT" | field toSupplier) to the supplier"

echo '6. The supplier checks: the financing is repaid and the receivable settled.'
echo "   financing request $(call "$SUPPLIER" GET "/v1/financing-requests/$FINANCING" | field status)," \
  "receivable $(call "$SUPPLIER" GET "/v1/receivables/$RECEIVABLE" | field status)"
