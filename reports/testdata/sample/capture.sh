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
# The adversarial cases of issue 12: a control run twice (error, then pass),
# a failing non-control test, a foreign claim (adversary.json, -count=2); a
# failing subtest, a control that judged nothing, a panic after pass, and a
# TestMain failing after every test passed (ciview.json).
go test -json -count=2 -artifacts -outputdir "$out" ./suites/adversary > ../adversary.json
go test -json -artifacts -outputdir "$out" ./suites/ciview ./suites/mainfail > ../ciview.json
