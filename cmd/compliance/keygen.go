package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/connect-compliance/connect-compliance/reports/manifest"
)

const keygenUsage = `usage: compliance keygen --out KEY

Writes a new ed25519 key pair for 'compliance report --sign KEY': the private
key to KEY (PEM PKCS#8, mode 0600) and the public key to KEY.pub (PEM PKIX),
for 'compliance verify --pub KEY.pub'. Existing files are never overwritten.
The same formats come from 'openssl genpkey -algorithm ed25519 -out KEY' and
'openssl pkey -in KEY -pubout -out KEY.pub'.

flags:
`

func runKeygen(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("keygen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, keygenUsage)
		fs.PrintDefaults()
	}
	out := fs.String("out", "", "private key file to write (the public key goes to FILE.pub)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "compliance keygen: want --out KEY and no arguments")
		fs.Usage()
		return 2
	}
	priv, pub, err := manifest.GenerateKey()
	if err != nil {
		fmt.Fprintf(stderr, "compliance keygen: %v\n", err)
		return 2
	}
	for _, name := range []string{*out, *out + ".pub"} {
		if _, err := os.Lstat(name); err == nil {
			fmt.Fprintf(stderr, "compliance keygen: %s exists; not overwritten\n", name)
			return 2
		}
	}
	if err := writeNew(*out, priv, 0o600); err != nil {
		fmt.Fprintf(stderr, "compliance keygen: %v\n", err)
		return 2
	}
	if err := writeNew(*out+".pub", pub, 0o644); err != nil {
		os.Remove(*out)
		fmt.Fprintf(stderr, "compliance keygen: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "wrote %s (private, keep it secret) and %s.pub (public, give it to whoever verifies)\n", *out, *out)
	return 0
}

func writeNew(name string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
