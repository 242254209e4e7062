package manifest

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 29, 6, 0, 0, 0, time.UTC)

func keys(t *testing.T) (ed25519.PrivateKey, ed25519.PublicKey, string) {
	t.Helper()
	privPEM, pubPEM, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kf := filepath.Join(dir, "key")
	if err := os.WriteFile(kf, privPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(kf+".pub", pubPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	priv, err := ReadPrivateKey(kf)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := ReadPublicKey(kf + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	return priv, pub, kf
}

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// signed makes a report directory with evidence inside and outside it, and
// signs it as Generate does (the reports pending, the rest on disk).
func signed(t *testing.T, priv ed25519.PrivateKey) (dir, outside string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "out")
	outside = filepath.Join(root, "elsewhere")
	write(t, dir, map[string]string{"test.json": "{}\n", "_artifacts/1/evidence.json": `{"control":"A"}`, "history.jsonl": "x\n"})
	write(t, outside, map[string]string{"_artifacts/9/evidence.json": `{"control":"B"}`})
	pending := map[string][]byte{"results.json": []byte("{}"), "report.html": []byte("<html>")}
	_, body, sig, err := Build(dir, Options{Tool: "test", Run: "r1", Now: now, Roots: []string{outside, filepath.Join(dir, "_artifacts")},
		Pending: pending, Exclude: []string{filepath.Join(dir, "history.jsonl")}, Key: priv})
	if err != nil {
		t.Fatal(err)
	}
	pending[FileName], pending[SigName] = body, sig
	for name, b := range pending {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, outside
}

func TestSignVerify(t *testing.T) {
	priv, pub, _ := keys(t)
	dir, outside := signed(t, priv)
	res, err := Verify(dir, pub)
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() || !res.KeyGiven {
		t.Fatalf("fresh directory not intact: %+v", res)
	}
	var paths []string
	for _, f := range res.Manifest.Files {
		paths = append(paths, f.Path)
	}
	want := []string{"../elsewhere/_artifacts/9/evidence.json", "_artifacts/1/evidence.json", "report.html", "results.json", "test.json"}
	if !slices.Equal(paths, want) {
		t.Errorf("files %v, want %v", paths, want)
	}
	if !slices.Equal(res.Manifest.Roots, []string{".", "../elsewhere"}) {
		t.Errorf("roots %v", res.Manifest.Roots)
	}

	// The ledger is excluded and keeps growing without breaking the seal.
	write(t, dir, map[string]string{"history.jsonl": "x\ny\n"})
	if res, _ := Verify(dir, nil); !res.OK() || res.KeyGiven {
		t.Errorf("after ledger append: %+v", res)
	}

	// Tamper: change one evidence file, add one, remove one (also outside the directory).
	write(t, dir, map[string]string{"_artifacts/1/evidence.json": `{"control":"A","outcome":"pass"}`, "_artifacts/2/evidence.json": "{}"})
	if err := os.Remove(filepath.Join(outside, "_artifacts/9/evidence.json")); err != nil {
		t.Fatal(err)
	}
	res, err = Verify(dir, pub)
	if err != nil {
		t.Fatal(err)
	}
	if res.OK() || !res.SignatureOK ||
		!slices.Equal(res.Changed, []string{"_artifacts/1/evidence.json"}) ||
		!slices.Equal(res.Added, []string{"_artifacts/2/evidence.json"}) ||
		!slices.Equal(res.Missing, []string{"../elsewhere/_artifacts/9/evidence.json"}) {
		t.Errorf("tampered: changed %v added %v missing %v sig %v", res.Changed, res.Added, res.Missing, res.SignatureOK)
	}
}

func TestSignatureChecks(t *testing.T) {
	priv, pub, _ := keys(t)
	_, other, _ := keys(t)
	dir, _ := signed(t, priv)
	if res, err := Verify(dir, other); err != nil || res.SignatureOK || res.OK() {
		t.Errorf("another signer's key accepted: %+v %v", res, err)
	}
	// Editing the manifest (say, to hide a changed file) breaks the signature.
	body, _ := os.ReadFile(filepath.Join(dir, FileName))
	body = bytes.Replace(body, []byte(`"test.json"`), []byte(`"test.jsoN"`), 1)
	write(t, dir, map[string]string{FileName: string(body)})
	res, err := Verify(dir, pub)
	if err != nil || res.SignatureOK {
		t.Errorf("edited manifest: %+v %v", res, err)
	}
}

func TestVerifyBadInput(t *testing.T) {
	priv, pub, kf := keys(t)
	for name, mutate := range map[string]func(dir string){
		"no manifest":  func(dir string) { os.Remove(filepath.Join(dir, FileName)) },
		"no signature": func(dir string) { os.Remove(filepath.Join(dir, SigName)) },
		"short sig":    func(dir string) { os.WriteFile(filepath.Join(dir, SigName), []byte("abc"), 0o644) },
		"not json":     func(dir string) { os.WriteFile(filepath.Join(dir, FileName), []byte("nope"), 0o644) },
		"absolute path": func(dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, FileName))
			os.WriteFile(filepath.Join(dir, FileName), bytes.Replace(b, []byte(`"test.json"`), []byte(`"/etc/passwd"`), 1), 0o644)
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir, _ := signed(t, priv)
			mutate(dir)
			if _, err := Verify(dir, pub); !errors.Is(err, ErrBadInput) {
				t.Errorf("err = %v, want bad input", err)
			}
		})
	}
	if _, err := ReadPublicKey(kf); err == nil || !strings.Contains(err.Error(), "PUBLIC KEY") {
		t.Errorf("private key read as public: %v", err)
	}
	if _, err := ReadPrivateKey(kf + ".pub"); err == nil || !strings.Contains(err.Error(), "PRIVATE KEY") {
		t.Errorf("public key read as private: %v", err)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	priv, _, _ := keys(t)
	dir := t.TempDir()
	write(t, dir, map[string]string{"b.txt": "b", "a/x.txt": "x"})
	_, b1, s1, err := Build(dir, Options{Tool: "t", Now: now, Key: priv})
	if err != nil {
		t.Fatal(err)
	}
	_, b2, s2, _ := Build(dir, Options{Tool: "t", Now: now, Key: priv})
	if !bytes.Equal(b1, b2) || !bytes.Equal(s1, s2) {
		t.Error("two builds of the same directory differ")
	}
}

func FuzzParse(f *testing.F) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	os.WriteFile(filepath.Join(dir, "a.txt"), []byte("a"), 0o644)
	_, body, _, err := Build(dir, Options{Tool: "t", Now: now, Key: priv, Roots: []string{filepath.Join(dir, "..")}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte(`{"version":1,"hash":"sha256","signature":"ed25519","roots":["."],"files":[{"path":"../x","size":1,"sha256":"00"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, file := range m.Files {
			if file.Path == "" || strings.HasPrefix(file.Path, "/") || filepath.Clean(file.Path) != filepath.FromSlash(file.Path) || seen[file.Path] {
				t.Fatalf("accepted path %q", file.Path)
			}
			if !covered(m.Roots, file.Path) {
				t.Fatalf("accepted %q outside the roots %v", file.Path, m.Roots)
			}
			seen[file.Path] = true
		}
	})
}
