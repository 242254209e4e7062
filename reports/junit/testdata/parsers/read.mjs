// Reads a JUnit XML file with junit2json (npm) and prints what a CI
// dashboard would count, in the shape read.py prints, for parsers_test.go.
import { readFile } from 'node:fs/promises'
import { parse } from 'junit2json'

const xml = await readFile(process.argv[2], 'utf8')
const doc = await parse(xml)
const num = (v) => (v === undefined || v === null || v === '' ? null : Number(v))
const text = (v) => (v === undefined || v === null ? null : String(v))
const kind = (c) => {
  for (const k of ['failure', 'error', 'skipped']) {
    if (c[k] !== undefined) {
      const r = Array.isArray(c[k]) ? c[k][0] : c[k]
      return { result: k, message: text(r && r.message) }
    }
  }
  return { result: 'passed', message: null }
}
const out = {
  tests: num(doc.tests), failures: num(doc.failures), errors: num(doc.errors), skipped: num(doc.skipped), time: num(doc.time),
  suites: (doc.testsuite || []).map((s) => ({
    name: text(s.name), tests: num(s.tests), failures: num(s.failures), errors: num(s.errors), skipped: num(s.skipped), time: num(s.time),
    cases: (s.testcase || []).map((c) => ({ name: text(c.name), time: num(c.time), ...kind(c) })),
  })),
}
process.stdout.write(JSON.stringify(out) + '\n')
