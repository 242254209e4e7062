package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/reports/manifest"
)

const verifyUsage = `usage: compliance verify [--pub KEY.pub | --config FILE] DIR

Checks a report directory signed with 'compliance report --sign KEY': the
ed25519 signature of DIR/manifest.json (in DIR/manifest.sig) and the SHA-256
of every file it lists, and names every file changed, added or missing.

It needs to know who may have signed: the signer's public key (--pub), or
its fingerprint pinned in the config (signing.fingerprint; --config, else
$COMPLIANCE_CONFIG, else compliance.yaml of the module around the working
directory). The key recorded in the manifest alone proves nothing: whoever
changes the files can sign them again with a key of their own.

Exit code: 0 intact and signed by that key, 1 tampered (each changed, added
or missing file, a bad signature, or a signer other than the pinned key),
2 bad input (no or malformed manifest, signature or key; no key to check
against; a symlink or other non-regular file in the directory).

flags:
`

// Flags may come before or after DIR.
func runVerify(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, verifyUsage)
		fs.PrintDefaults()
	}
	pubFile := fs.String("pub", "", "the signer's ed25519 public key (PEM)")
	configFile := fs.String("config", "", "config whose signing.fingerprint pins the signer's key when --pub is not given")
	var dirs []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		dirs = append(dirs, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(dirs) != 1 {
		fmt.Fprintln(stderr, "compliance verify: want exactly one directory")
		fs.Usage()
		return 2
	}
	dir := dirs[0]
	var pub ed25519.PublicKey
	pinned, pinnedIn := "", ""
	if *pubFile != "" {
		var err error
		if pub, err = manifest.ReadPublicKey(*pubFile); err != nil {
			fmt.Fprintf(stderr, "compliance verify: %v\n", err)
			return 2
		}
	} else {
		root, _ := harness.ModuleRoot(".")
		c, err := reportConfig(*configFile, root)
		if err != nil {
			fmt.Fprintf(stderr, "compliance verify: %v\n", err)
			return 2
		}
		if c == nil || c.Signing.Fingerprint == "" {
			fmt.Fprintln(stderr, "compliance verify: no key to check who signed: pass the signer's public key with --pub KEY.pub, "+
				"or pin its fingerprint as signing.fingerprint in the config (the key inside the manifest proves nothing on its own)")
			return 2
		}
		pinned, pinnedIn = c.Signing.Fingerprint, c.Path
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		fmt.Fprintf(stderr, "compliance verify: %s is not a directory\n", dir)
		return 2
	}
	res, err := manifest.Verify(dir, pub)
	if err != nil {
		fmt.Fprintf(stderr, "compliance verify: %s: %v\n", dir, err)
		return 2
	}
	otherSigner := pinned != "" && res.EmbeddedFingerprint != pinned
	switch {
	case !res.SignatureOK && res.KeyGiven:
		fmt.Fprintf(stdout, "signature: INVALID: %s/%s is not signed by %s (%s), or was changed after signing\n", dir, manifest.FileName, *pubFile, res.Fingerprint)
	case !res.SignatureOK:
		fmt.Fprintf(stdout, "signature: INVALID: %s/%s was changed after signing\n", dir, manifest.FileName)
	case otherSigner:
		fmt.Fprintf(stdout, "signature: signed by %s, not the pinned key %s (signing.fingerprint in %s)\n", res.EmbeddedFingerprint, pinned, pinnedIn)
	}
	for _, p := range res.Changed {
		fmt.Fprintf(stdout, "changed: %s\n", p)
	}
	for _, p := range res.Added {
		fmt.Fprintf(stdout, "added: %s\n", p)
	}
	for _, p := range res.Missing {
		fmt.Fprintf(stdout, "missing: %s\n", p)
	}
	if !res.OK() || otherSigner {
		sig := map[bool]string{true: "valid", false: "invalid"}[res.SignatureOK]
		if otherSigner {
			sig = "by " + res.EmbeddedFingerprint + ", not the pinned key"
		}
		fmt.Fprintf(stdout, "TAMPERED: %s (%d changed, %d added, %d missing, signature %s)\n", dir,
			len(res.Changed), len(res.Added), len(res.Missing), sig)
		return 1
	}
	who := "signed by " + *pubFile + " (" + res.Fingerprint + ")"
	if !res.KeyGiven {
		who = "signed by the pinned key " + pinned + " (signing.fingerprint in " + pinnedIn + ")"
	}
	fmt.Fprintf(stdout, "INTACT: %s: %d files as listed in %s, run %s; %s\n", dir, len(res.Manifest.Files), manifest.FileName, res.Manifest.Run, who)
	return 0
}
