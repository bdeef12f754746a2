#!/usr/bin/env bash
# Open311 GeoReport v2 as a 311 client uses it (issue 14): discovery → services → a service definition →
# POST a request → GET it back (JSON and XML) → its token → the list → servicerequestupdates.
#   scripts/open311-smoke.sh http://127.0.0.1:8080 [api_key]
set -euo pipefail
BASE="${1:-http://127.0.0.1:8080}/open311/v2"
KEY="${2:-hue-demo-secret}"
say() { printf '\n── %s\n' "$*"; }
j() { curl -sS --fail-with-body "$@"; }

say "discovery.json"; j "$BASE/discovery.json"; echo
say "services.json (codes)"; j "$BASE/services.json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const x of JSON.parse(s))console.log(x.service_code.padEnd(17),x.metadata?"metadata":"        ",x.service_name)})'
say "services/drainage.xml"; j "$BASE/services/drainage.xml"
say "POST requests.json (drainage, urgent, with a name, phone and e-mail)"
POST=$(j -X POST "$BASE/requests.json" \
  --data-urlencode "api_key=$KEY" --data-urlencode "jurisdiction_id=hue.gov.vn" \
  --data-urlencode "service_code=drainage" --data-urlencode "lat=16.4637" --data-urlencode "long=107.5909" \
  --data-urlencode "address_string=Đường Lê Lợi, phường Thuận Hóa" \
  --data-urlencode "description=Cống tắc, nước ngập 40cm trước số 12 Lê Lợi. Gọi Nguyễn Văn An 0905 123 456 an.nguyen@example.vn" \
  --data-urlencode "last_name=Nguyễn" --data-urlencode "first_name=Văn An" --data-urlencode "phone=0905123456" \
  --data-urlencode "email=an.nguyen@example.vn" --data-urlencode "attribute[khan_cap]=co" --data-urlencode "attribute[do_sau_cm]=40")
echo "$POST"
ID=$(node -e 'console.log(JSON.parse(process.argv[1])[0].service_request_id)' "$POST")
TOKEN=$(node -e 'console.log(JSON.parse(process.argv[1])[0].token)' "$POST")
say "the same POST again (a retry): same id, HTTP 200"
curl -sS -o /dev/null -w '%{http_code}\n' -X POST "$BASE/requests.json" \
  --data-urlencode "api_key=$KEY" --data-urlencode "jurisdiction_id=hue.gov.vn" \
  --data-urlencode "service_code=drainage" --data-urlencode "lat=16.4637" --data-urlencode "long=107.5909" \
  --data-urlencode "address_string=Đường Lê Lợi, phường Thuận Hóa" \
  --data-urlencode "description=Cống tắc, nước ngập 40cm trước số 12 Lê Lợi. Gọi Nguyễn Văn An 0905 123 456 an.nguyen@example.vn" \
  --data-urlencode "last_name=Nguyễn" --data-urlencode "first_name=Văn An" --data-urlencode "phone=0905123456" \
  --data-urlencode "email=an.nguyen@example.vn" --data-urlencode "attribute[khan_cap]=co" --data-urlencode "attribute[do_sau_cm]=40"
say "requests/$ID.json"; j "$BASE/requests/$ID.json"; echo
say "requests/$ID.xml"; j "$BASE/requests/$ID.xml"
say "tokens/$TOKEN.json"; j "$BASE/tokens/$TOKEN.json"; echo
say "requests.json?status=open&service_code=drainage,roads (count, first)"
j "$BASE/requests.json?status=open&service_code=drainage,roads" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const a=JSON.parse(s);console.log(a.length,"requests; newest:",JSON.stringify(a[0]))})'
say "servicerequestupdates.json (count, newest)"
j "$BASE/servicerequestupdates.json" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const a=JSON.parse(s);console.log(a.length,"updates; newest:",JSON.stringify(a[0]))})'
say "errors: bad key (403), no location (400), unknown request (404), other jurisdiction (404)"
curl -sS -w ' HTTP %{http_code}\n' -X POST "$BASE/requests.json" --data-urlencode "api_key=wrong" --data-urlencode "service_code=roads" --data-urlencode "lat=16.46" --data-urlencode "long=107.59"
curl -sS -w ' HTTP %{http_code}\n' -X POST "$BASE/requests.json" --data-urlencode "api_key=$KEY" --data-urlencode "service_code=roads"
curl -sS -w ' HTTP %{http_code}\n' "$BASE/requests/IOC-0000-000000.json"
curl -sS -w ' HTTP %{http_code}\n' "$BASE/services.xml?jurisdiction_id=sfgov.org"
