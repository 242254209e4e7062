"""Reads a JUnit XML file with junitparser (Debian python3-junitparser) and
prints what a CI dashboard would count, in the shape read.mjs prints, for
parsers_test.go. Counts are the document's attributes as junitparser reads
them (None when absent), not recounted."""
import json
import sys

from junitparser import JUnitXml, TestSuite, Failure, Error, Skipped


def num(el, attr):
    v = el._elem.get(attr)
    return None if v is None else float(v)


def case(c):
    result, message = "passed", None
    for r in c.result:
        kind = {Failure: "failure", Error: "error", Skipped: "skipped"}.get(type(r))
        if kind:
            result, message = kind, r.message
            break
    return {"name": c.name, "time": c.time, "result": result, "message": message}


doc = JUnitXml.fromfile(sys.argv[1])
suites = [doc] if isinstance(doc, TestSuite) else list(doc)
out = {k: num(doc, k) for k in ("tests", "failures", "errors", "skipped", "time")}
out["suites"] = [
    dict({k: num(s, k) for k in ("tests", "failures", "errors", "skipped", "time")}, name=s.name, cases=[case(c) for c in s])
    for s in suites
]
print(json.dumps(out))
