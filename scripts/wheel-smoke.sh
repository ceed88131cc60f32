#!/usr/bin/env bash
# The installed wheel is the product: build it, install it into a fresh virtual environment and run every
# command from an empty directory (no source tree on the path). Used by .ci/run after the tests.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d)"
trap 'kill "${SERVER:-0}" 2>/dev/null || true; rm -rf "$WORK"' EXIT
PY="${PYTHON:-python3}"
"$ROOT/.venv/bin/pip" wheel -q --no-deps -w "$WORK/dist" "$ROOT"
"$PY" -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "$WORK"/dist/*.whl
mkdir "$WORK/empty" && cd "$WORK/empty"
CSRKG="$WORK/venv/bin/csrkg"
echo "wheel: $(ls "$WORK"/dist)"
"$CSRKG" --help > /dev/null
"$CSRKG" --version
"$WORK/venv/bin/python" -m kg --version
"$CSRKG" build "$ROOT/data/samples/dajia-2024-csr.txt" -o out -q
"$CSRKG" build "$ROOT/tests/data/pdf/dev3-bank-pdf.pdf" -o out-pdf -q --no-html
test "$("$CSRKG" queries | wc -l)" -ge 17
"$CSRKG" query out/graph.ttl member-companies --format csv | head -3
"$CSRKG" query out/graph.ttl funds --min-confidence 0.8 --format tsv > /dev/null
"$CSRKG" evaluate out/graph.ttl --gold "$ROOT/data/samples/dajia-2024-csr.gold.json" --by-rule | tail -1
"$CSRKG" export out/graph.ttl --format nq -o out/graph.nq
"$CSRKG" stats out/graph.ttl | head -3
"$CSRKG" load out/graph.ttl --store store > /dev/null
"$CSRKG" build "$ROOT/tests/data/dev/dev2-citybank-clean.txt" "$ROOT/tests/data/dev/dev3-trust-clean.txt" --store store --jobs 2 -o out-corpus -q --no-html
"$CSRKG" query --store store multi-report-entities --format csv | head -3
"$CSRKG" query --store store shared-partners --format csv | head -3
"$CSRKG" serve --store store --port 7899 > serve.log 2>&1 &
SERVER=$!
for _ in $(seq 1 50); do curl -fsS "http://127.0.0.1:7899/" > /dev/null 2>&1 && break; sleep 0.2; done
curl -fsS -G "http://127.0.0.1:7899/sparql" -H 'Accept: text/csv' \
  --data-urlencode 'query=SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' | tail -1
echo "wheel smoke test: every command ran from an empty directory"
