package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connect-compliance/connect-compliance/reports/manifest"
)

// signedReport writes a signed report directory as `compliance run` leaves
// it and returns it with the key files.
func signedReport(t *testing.T) (out, key string) {
	t.Helper()
	key = filepath.Join(t.TempDir(), "signing")
	if code, _, stderr := runCLI(t, "keygen", "--out", key); code != 0 {
		t.Fatalf("keygen: %s", stderr)
	}
	out = filepath.Join(t.TempDir(), "daily")
	if err := os.CopyFS(out, os.DirFS(td+"capture-out")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(td + "passing.json")
	os.WriteFile(filepath.Join(out, "test.json"), b, 0o644)
	if code, stdout, stderr := runCLI(t, "report", "--catalog", td+"catalog.yaml", "--tags", "dr", "--out", out, "--artifacts", out,
		"--sign", key, filepath.Join(out, "test.json")); code != 0 {
		t.Fatalf("signed report: %d %s %s", code, stdout, stderr)
	}
	return out, key
}

func fingerprintOf(t *testing.T, pubFile string) string {
	t.Helper()
	pub, err := manifest.ReadPublicKey(pubFile)
	if err != nil {
		t.Fatal(err)
	}
	return manifest.Fingerprint(pub)
}

func configWith(t *testing.T, extra string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(p, []byte(extra+`accounts:
  - id: "123456789012"
    regions:
      - name: us-east-1
        connect_instances: [{id: 8f1c6a2e-0b7d-4c55-9d3e-1a2b3c4d5e6f}]
`), 0o644)
	return p
}

// TestVerifyNeedsTheSignersKey: verify without --pub and without a pinned
// fingerprint does not say INTACT (anyone can re-sign a directory with a key
// of their own and embed it); with the pin it says which key signed.
func TestVerifyNeedsTheSignersKey(t *testing.T) {
	out, key := signedReport(t)
	t.Setenv("COMPLIANCE_CONFIG", configWith(t, ""))
	code, stdout, stderr := runCLI(t, "verify", out)
	if code != 2 || strings.Contains(stdout, "INTACT") || !strings.Contains(stderr, "--pub") {
		t.Errorf("no key: exit %d\n%s%s", code, stdout, stderr)
	}
	fp := fingerprintOf(t, key+".pub")
	t.Setenv("COMPLIANCE_CONFIG", configWith(t, "signing:\n  fingerprint: \""+fp+"\"\n"))
	code, stdout, _ = runCLI(t, "verify", out)
	if code != 0 || !strings.HasPrefix(stdout, "INTACT") || !strings.Contains(stdout, fp) || !strings.Contains(stdout, "pinned") {
		t.Errorf("pinned key: exit %d %s", code, stdout)
	}
	code, stdout, _ = runCLI(t, "verify", "--pub", key+".pub", out)
	if code != 0 || !strings.Contains(stdout, "signed by "+key+".pub ("+fp+")") {
		t.Errorf("--pub: exit %d %s", code, stdout)
	}

	// Re-signed with another key (its public key embedded): not the pinned signer.
	other := filepath.Join(t.TempDir(), "other")
	runCLI(t, "keygen", "--out", other)
	if code, _, stderr := runCLI(t, "report", "--catalog", td+"catalog.yaml", "--tags", "dr", "--out", out, "--artifacts", out,
		"--sign", other, filepath.Join(out, "test.json")); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, _ = runCLI(t, "verify", out)
	if code != 1 || strings.Contains(stdout, "INTACT") || !strings.Contains(stdout, "not the pinned key") {
		t.Errorf("another signer: exit %d %s", code, stdout)
	}
}

// TestSymlinksRefused: a symlink or other non-regular file in a report
// folder is refused by report --sign, verify and gather (a symlink would let
// the signed tree say one thing while it points at another).
func TestSymlinksRefused(t *testing.T) {
	out, key := signedReport(t)
	target := filepath.Join(t.TempDir(), "elsewhere.json")
	os.WriteFile(target, []byte(`{"outcome":"pass"}`), 0o644)
	link := filepath.Join(out, "_artifacts", "extra.json")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "verify", "--pub", key+".pub", out)
	if code != 2 || strings.Contains(stdout, "INTACT") || !strings.Contains(stderr, "symlink") {
		t.Errorf("verify with a symlink: exit %d\n%s%s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "report", "--catalog", td+"catalog.yaml", "--tags", "dr", "--out", out, "--artifacts", out,
		"--sign", key, filepath.Join(out, "test.json"))
	if code != 2 || !strings.Contains(stderr, "symlink") {
		t.Errorf("report --sign with a symlink: exit %d %s", code, stderr)
	}

	run := filepath.Join(t.TempDir(), "daily-123456789012-us-east-1")
	writeFile(t, filepath.Join(run, "test.json"), "{}\n")
	os.MkdirAll(filepath.Join(run, "_artifacts", "x"), 0o755)
	os.Symlink(target, filepath.Join(run, "_artifacts", "x", "evidence.json"))
	merged := filepath.Join(t.TempDir(), "merged")
	code, _, stderr = runCLI(t, "gather", "--out", merged, run)
	if code != 2 || !strings.Contains(stderr, "symlink") {
		t.Errorf("gather with a symlink: exit %d %s", code, stderr)
	}
	if _, err := os.Lstat(filepath.Join(merged, "_artifacts", "x", "evidence.json")); err == nil {
		t.Error("gather copied what a symlink points at")
	}
	run2 := filepath.Join(t.TempDir(), "daily-123456789012-us-west-2")
	os.MkdirAll(run2, 0o755)
	os.Symlink(target, filepath.Join(run2, "test.json"))
	if code, _, stderr := runCLI(t, "gather", "--out", filepath.Join(t.TempDir(), "m"), run2); code != 2 || !strings.Contains(stderr, "symlink") {
		t.Errorf("gather with test.json a symlink: exit %d %s", code, stderr)
	}
}

// TestScheduledUnsignedWarns: a report of a scheduled run (--scheduled) that
// is not signed says so in its header; signed, it does not.
func TestScheduledUnsignedWarns(t *testing.T) {
	base := []string{"report", "--catalog", td + "catalog.yaml", "--tags", "dr", "--artifacts", td + "capture-out", "--scheduled"}
	out := t.TempDir()
	code, _, stderr := runCLI(t, append(base, "--out", out, td+"passing.json")...)
	html, _ := os.ReadFile(filepath.Join(out, "report.html"))
	rj, _ := os.ReadFile(filepath.Join(out, "results.json"))
	if code != 0 || !strings.Contains(string(html), "Unsigned scheduled report") || !strings.Contains(string(rj), "unsigned scheduled report") ||
		!strings.Contains(stderr, "unsigned scheduled report") {
		t.Errorf("unsigned: exit %d, warning in html %v results %v stderr %q", code, strings.Contains(string(html), "Unsigned scheduled report"),
			strings.Contains(string(rj), "unsigned scheduled report"), stderr)
	}
	key := filepath.Join(t.TempDir(), "k")
	runCLI(t, "keygen", "--out", key)
	pem, _ := os.ReadFile(key)
	t.Setenv("TEST_SIGNING_KEY", string(pem))
	out = t.TempDir()
	code, _, stderr = runCLI(t, append(base, "--out", out, "--sign", "env:TEST_SIGNING_KEY", td+"passing.json")...)
	html, _ = os.ReadFile(filepath.Join(out, "report.html"))
	if code != 0 || strings.Contains(string(html), "Unsigned scheduled report") {
		t.Errorf("signed from the environment: exit %d %s", code, stderr)
	}
	if code, stdout, _ := runCLI(t, "verify", "--pub", key+".pub", out); code != 0 {
		t.Errorf("verify: %d %s", code, stdout)
	}
	t.Setenv("TEST_SIGNING_KEY", "")
	if code, _, stderr := runCLI(t, append(base, "--out", t.TempDir(), "--sign", "env:TEST_SIGNING_KEY", td+"passing.json")...); code != 2 || !strings.Contains(stderr, "TEST_SIGNING_KEY") {
		t.Errorf("empty key variable: exit %d %s", code, stderr)
	}
}
