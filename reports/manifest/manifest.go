// Package manifest makes a report directory tamper-evident: manifest.json
// lists the SHA-256 of every file under the directory (the reports, the
// go test -json input, the evidence under _artifacts/) and of every file
// under the evidence directories outside it, and manifest.sig is an ed25519
// signature of manifest.json's bytes. Verify rescans the same directories and
// names every file changed, added or missing, and checks the signature.
//
// Keys are PEM files: the private key PKCS#8 ("PRIVATE KEY"), the public key
// PKIX ("PUBLIC KEY"), the formats `openssl genpkey -algorithm ed25519` and
// `openssl pkey -pubout` use. manifest.sig is the raw 64-byte signature, so
// `openssl pkeyutl -verify -pubin -inkey KEY.pub -rawin -in manifest.json
// -sigfile manifest.sig` checks it too.
//
// It knows nothing about what the files mean.
package manifest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// File names written next to the reports.
const (
	FileName = "manifest.json"
	SigName  = "manifest.sig"
)

// Version is the manifest format version.
const Version = 1

// Manifest is manifest.json.
type Manifest struct {
	Version   int       `json:"version"`
	Tool      string    `json:"tool"`
	Run       string    `json:"run,omitempty"` // the run id of the results
	Created   time.Time `json:"created"`
	Hash      string    `json:"hash"`       // "sha256"
	Signature string    `json:"signature"`  // "ed25519", over this file's bytes, in manifest.sig
	PublicKey string    `json:"public_key"` // base64 of the raw 32-byte ed25519 public key
	// Roots are the directories covered, slash-separated and relative to the
	// manifest's directory ("." first): every regular file under them is
	// listed, except the manifest, its signature and Excluded.
	Roots    []string `json:"roots"`
	Excluded []string `json:"excluded,omitempty"` // e.g. a history ledger that keeps growing
	Files    []File   `json:"files"`
}

// File is one covered file.
type File struct {
	Path   string `json:"path"` // slash-separated, relative to the manifest's directory
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"` // hex
}

// Options describe what Build covers.
type Options struct {
	Tool string
	Run  string
	Now  time.Time
	// Roots are further directories to cover (absolute or relative to the
	// working directory); the manifest's own directory is always covered.
	Roots []string
	// Pending are files about to be written into the directory (name ->
	// content): they are listed with this content, whatever is on disk.
	Pending map[string][]byte
	// PendingFiles are the same, already hashed (name -> size and SHA-256).
	PendingFiles map[string]File
	// Exclude are paths (absolute or relative to the working directory) not
	// to list, such as an append-only history ledger inside a root.
	Exclude []string
	Key     ed25519.PrivateKey
}

// Build lists the files of dir and opt.Roots and returns the manifest, its
// bytes and their signature.
func Build(dir string, opt Options) (m *Manifest, body, sig []byte, err error) {
	pub, ok := opt.Key.Public().(ed25519.PublicKey)
	if !ok || len(opt.Key) != ed25519.PrivateKeySize {
		return nil, nil, nil, errors.New("manifest: not an ed25519 private key")
	}
	m = &Manifest{Version: Version, Tool: opt.Tool, Run: opt.Run, Created: opt.Now.UTC(), Hash: "sha256", Signature: "ed25519",
		PublicKey: base64.StdEncoding.EncodeToString(pub), Roots: []string{"."}, Files: []File{}}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	for _, r := range opt.Roots {
		rel, err := relTo(absDir, r)
		if err != nil {
			return nil, nil, nil, err
		}
		if !covered(m.Roots, rel) {
			m.Roots = append(m.Roots, rel)
		}
	}
	for _, x := range opt.Exclude {
		rel, err := relTo(absDir, x)
		if err != nil {
			return nil, nil, nil, err
		}
		m.Excluded = append(m.Excluded, rel)
	}
	slices.Sort(m.Excluded)
	found, err := scan(absDir, m.Roots, m.Excluded)
	if err != nil {
		return nil, nil, nil, err
	}
	for name, b := range opt.Pending {
		rel := path.Clean(filepath.ToSlash(name))
		if rel == FileName || rel == SigName {
			continue
		}
		found[rel] = fileOf(rel, b)
	}
	for name, f := range opt.PendingFiles {
		rel := path.Clean(filepath.ToSlash(name))
		if rel == FileName || rel == SigName {
			continue
		}
		f.Path = rel
		found[rel] = f
	}
	for _, f := range found {
		m.Files = append(m.Files, f)
	}
	slices.SortFunc(m.Files, func(a, b File) int { return strings.Compare(a.Path, b.Path) })
	body, err = json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, nil, nil, err
	}
	body = append(body, '\n')
	return m, body, ed25519.Sign(opt.Key, body), nil
}

func relTo(absDir, p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absDir, abs)
	if err != nil {
		return "", fmt.Errorf("manifest: %s is not reachable from %s: %w", p, absDir, err)
	}
	return filepath.ToSlash(rel), nil
}

// covered reports whether rel is one of roots or under one.
func covered(roots []string, rel string) bool {
	for _, r := range roots {
		if under(rel, r) {
			return true
		}
	}
	return false
}

func under(p, root string) bool {
	if root == "." {
		return p != ".." && !strings.HasPrefix(p, "../")
	}
	return p == root || strings.HasPrefix(p, root+"/")
}

func fileOf(rel string, b []byte) File {
	sum := sha256.Sum256(b)
	return File{Path: rel, Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])}
}

// scan hashes every regular file under the roots (relative to absDir).
func scan(absDir string, roots, excluded []string) (map[string]File, error) {
	out := map[string]File{}
	for _, root := range roots {
		start := filepath.Join(absDir, filepath.FromSlash(root))
		err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Type()&fs.ModeSymlink == 0 {
				return nil
			}
			if !d.Type().IsRegular() {
				// A signed tree holds regular files only: a symlink would let it
				// list one thing and point at another.
				what := "a " + d.Type().Type().String() + " file"
				if d.Type()&fs.ModeSymlink != 0 {
					what = "a symlink"
				}
				return fmt.Errorf("%s is %s: refused (a report folder holds regular files only)", p, what)
			}
			rel, err := filepath.Rel(absDir, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			if rel == FileName || rel == SigName || slices.Contains(excluded, rel) {
				return nil
			}
			if _, dup := out[rel]; dup {
				return nil
			}
			f, err := hashFile(p)
			if err != nil {
				return err
			}
			f.Path = rel
			out[rel] = f
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("manifest: %w", err)
		}
	}
	return out, nil
}

func hashFile(p string) (File, error) {
	fh, err := os.Open(p)
	if err != nil {
		return File{}, err
	}
	defer fh.Close()
	h := sha256.New()
	n, err := io.Copy(h, fh)
	if err != nil {
		return File{}, err
	}
	return File{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Parse reads manifest.json strictly: a manifest that cannot be trusted to
// say what it covers is bad input, not an empty one.
func Parse(b []byte) (*Manifest, error) {
	var m Manifest
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: %w", FileName, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: more than one JSON value", FileName)
	}
	bad := func(format string, args ...any) (*Manifest, error) {
		return nil, fmt.Errorf("%s: "+format, append([]any{FileName}, args...)...)
	}
	switch {
	case m.Version != Version:
		return bad("unsupported version %d", m.Version)
	case m.Hash != "sha256" || m.Signature != "ed25519":
		return bad("unsupported hash %q or signature %q", m.Hash, m.Signature)
	case len(m.Roots) == 0 || m.Roots[0] != ".":
		return bad(`roots must start with "."`)
	}
	if k, err := base64.StdEncoding.DecodeString(m.PublicKey); err != nil || len(k) != ed25519.PublicKeySize {
		return bad("public_key is not a base64 ed25519 public key")
	}
	for _, r := range m.Roots {
		if !cleanRel(r) {
			return bad("root %q is not a clean relative path", r)
		}
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		switch {
		case !cleanRel(f.Path) || f.Path == "." || !covered(m.Roots, f.Path):
			return bad("file %q is not a clean relative path under a root", f.Path)
		case seen[f.Path]:
			return bad("file %q listed twice", f.Path)
		case f.Size < 0:
			return bad("file %q has a negative size", f.Path)
		}
		if h, err := hex.DecodeString(f.SHA256); err != nil || len(h) != sha256.Size {
			return bad("file %q: sha256 is not 64 hex digits", f.Path)
		}
		seen[f.Path] = true
	}
	return &m, nil
}

// cleanRel reports whether p is a clean, slash-separated relative path
// ("../x" allowed: evidence directories beside the report directory).
func cleanRel(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && !strings.Contains(p, "\\") && path.Clean(p) == p && !strings.Contains(p, "\x00")
}

// Result is what Verify found.
type Result struct {
	Manifest *Manifest
	// Fingerprint identifies the key the signature was checked with.
	Fingerprint string
	// KeyGiven is true when the caller supplied the public key; otherwise
	// the key embedded in the manifest was used, which proves integrity
	// since signing but not who signed: compare EmbeddedFingerprint with a
	// fingerprint pinned where the signer cannot change it.
	KeyGiven            bool
	EmbeddedFingerprint string
	SignatureOK         bool
	Changed             []string
	Added               []string
	Missing             []string
}

// OK reports whether the signature verifies and every file is as listed.
func (r *Result) OK() bool {
	return r.SignatureOK && len(r.Changed)+len(r.Added)+len(r.Missing) == 0
}

// ErrBadInput wraps errors that mean there is nothing to verify against.
var ErrBadInput = errors.New("bad input")

// Verify checks dir against its manifest.json and manifest.sig. pub nil
// checks the signature with the key embedded in the manifest. An error
// (wrapping ErrBadInput) means the manifest or signature is missing or
// malformed; a tampered directory is a Result that is not OK.
func Verify(dir string, pub ed25519.PublicKey) (*Result, error) {
	body, err := os.ReadFile(filepath.Join(dir, FileName))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	sig, err := os.ReadFile(filepath.Join(dir, SigName))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: %s: want a %d-byte ed25519 signature, got %d bytes", ErrBadInput, SigName, ed25519.SignatureSize, len(sig))
	}
	m, err := Parse(body)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadInput, err)
	}
	res := &Result{Manifest: m, KeyGiven: pub != nil}
	k, _ := base64.StdEncoding.DecodeString(m.PublicKey)
	res.EmbeddedFingerprint = Fingerprint(ed25519.PublicKey(k))
	if pub == nil {
		pub = ed25519.PublicKey(k)
	}
	res.Fingerprint = Fingerprint(pub)
	res.SignatureOK = ed25519.Verify(pub, body, sig)
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	found, err := scanForVerify(absDir, m)
	if err != nil {
		return nil, err
	}
	for _, f := range m.Files {
		g, ok := found[f.Path]
		switch {
		case !ok:
			res.Missing = append(res.Missing, f.Path)
		case g.SHA256 != f.SHA256 || g.Size != f.Size:
			res.Changed = append(res.Changed, f.Path)
		}
		delete(found, f.Path)
	}
	for p := range found {
		res.Added = append(res.Added, p)
	}
	slices.Sort(res.Added)
	return res, nil
}

// scanForVerify rescans the manifest's roots; a root that has disappeared
// leaves its files missing rather than failing the verification.
func scanForVerify(absDir string, m *Manifest) (map[string]File, error) {
	var roots []string
	for _, r := range m.Roots {
		if st, err := os.Stat(filepath.Join(absDir, filepath.FromSlash(r))); err == nil && st.IsDir() {
			roots = append(roots, r)
		}
	}
	return scan(absDir, roots, m.Excluded)
}

// Fingerprint is "SHA256:" and the base64 SHA-256 of the raw public key.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// GenerateKey returns a new key pair as PEM: PKCS#8 private, PKIX public.
func GenerateKey() (privPEM, pubPEM []byte, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	pk, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, nil, err
	}
	pb, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk}), pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pb}), nil
}

// ReadPrivateKey reads a PEM PKCS#8 ed25519 private key from a file, or
// from an environment variable when file is "env:NAME" (a CI secret, an SSM
// parameter CodeBuild exports: the key never touches the disk).
func ReadPrivateKey(file string) (ed25519.PrivateKey, error) {
	var b []byte
	if name, ok := strings.CutPrefix(file, "env:"); ok {
		if b = []byte(os.Getenv(name)); len(b) == 0 {
			return nil, fmt.Errorf("signing key %s: the environment variable %s is empty or not set", file, name)
		}
	} else {
		var err error
		if b, err = os.ReadFile(file); err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("signing key %s: want a PEM \"PRIVATE KEY\" (PKCS#8 ed25519, from compliance keygen or openssl genpkey -algorithm ed25519)", file)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", file, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: a %T, want ed25519", file, k)
	}
	return priv, nil
}

// ReadPublicKey reads a PEM PKIX ed25519 public key.
func ReadPublicKey(file string) (ed25519.PublicKey, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("public key %s: want a PEM \"PUBLIC KEY\" (ed25519, from compliance keygen or openssl pkey -pubout)", file)
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", file, err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("public key %s: a %T, want ed25519", file, k)
	}
	return pub, nil
}
