#!/bin/sh
# Regenerates ../*.json from the throwaway packages in this module.
# Run from this directory: ./capture.sh
set -u
out=../capture-out
# Keep the hand-written evidence of passing.json/failing.json (_artifacts/dr-*).
mkdir -p "$out/_artifacts" && find "$out/_artifacts" -mindepth 1 -maxdepth 1 -name '[0-9]*' -exec rm -rf {} +
out=$(cd "$out" && pwd)
go test -json -artifacts -outputdir "$out" ./suites/sample ./suites/panicky ./suites/broken ./suites/badconfig > ../sample.json
go test -json -artifacts -outputdir "$out" -timeout 2s ./suites/slow > ../timeout.json
head -c $(( $(wc -c < ../sample.json) * 2 / 3 )) ../sample.json > ../truncated.json
