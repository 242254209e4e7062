package main

import (
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/connect-compliance/connect-compliance/reports/manifest"
)

const verifyUsage = `usage: compliance verify [--pub KEY.pub] DIR

Checks a report directory signed with 'compliance report --sign KEY': the
ed25519 signature of DIR/manifest.json (in DIR/manifest.sig) and the SHA-256
of every file it lists, and names every file changed, added or missing.
Without --pub the signature is checked with the key recorded in the manifest,
which proves the files are as signed but not who signed: pass the signer's
public key to prove that too.

Exit code: 0 intact, 1 tampered (each changed, added or missing file and a
bad signature are named), 2 bad input (no or malformed manifest, signature
or key).

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
	if *pubFile != "" {
		var err error
		if pub, err = manifest.ReadPublicKey(*pubFile); err != nil {
			fmt.Fprintf(stderr, "compliance verify: %v\n", err)
			return 2
		}
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
	if !res.SignatureOK {
		if res.KeyGiven {
			fmt.Fprintf(stdout, "signature: INVALID: %s/%s is not signed by %s (%s), or was changed after signing\n", dir, manifest.FileName, *pubFile, res.Fingerprint)
		} else {
			fmt.Fprintf(stdout, "signature: INVALID: %s/%s was changed after signing\n", dir, manifest.FileName)
		}
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
	if !res.OK() {
		fmt.Fprintf(stdout, "TAMPERED: %s (%d changed, %d added, %d missing, signature %s)\n", dir,
			len(res.Changed), len(res.Added), len(res.Missing), map[bool]string{true: "valid", false: "invalid"}[res.SignatureOK])
		return 1
	}
	who := "signed by " + *pubFile + " (" + res.Fingerprint + ")"
	if !res.KeyGiven {
		who = "signature checked with the key in the manifest (" + res.Fingerprint + "); pass --pub to check who signed"
	}
	fmt.Fprintf(stdout, "INTACT: %s: %d files as listed in %s, run %s; %s\n", dir, len(res.Manifest.Files), manifest.FileName, res.Manifest.Run, who)
	return 0
}
