package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/connect-compliance/connect-compliance/helpers/snapshot"
)

const impactUsage = `usage: compliance impact --from DIR --to DIR [--json] [--same-numbers]

Compares two snapshots (compliance snapshot) and says what the change from
one to the other touches: every changed, added or removed resource with the
fields that differ, the phone numbers whose calls reach it (directly or
through other flows and modules), what depends on it, the queues it serves,
references it would break, and a risk rating per change and overall.

--from is the current state (production), --to the changed one (staging, or
the snapshot after a change). Phone numbers are claimed by one instance:
with --same-numbers the comparison treats --to as having --from's numbers
(staging against production), so only configuration changes are listed and
the production numbers that reach them are named.

Exit code: 0 (the comparison was made), 2 (bad input).

flags:
`

// runImpact compares two snapshots; it returns the exit code.
func runImpact(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("impact", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, impactUsage)
		fs.PrintDefaults()
	}
	var from, to string
	var asJSON, sameNumbers bool
	fs.StringVar(&from, "from", "", "snapshot of the current state (required)")
	fs.StringVar(&to, "to", "", "snapshot of the changed state (required)")
	fs.BoolVar(&asJSON, "json", false, "print the impact as JSON")
	fs.BoolVar(&sameNumbers, "same-numbers", false, "compare --to as if it had --from's phone numbers")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if from == "" || to == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "compliance impact: want --from DIR --to DIR and no arguments")
		fs.Usage()
		return 2
	}
	a, err := snapshot.Read(from)
	if err != nil {
		fmt.Fprintf(stderr, "compliance impact: %v\n", err)
		return 2
	}
	b, err := snapshot.Read(to)
	if err != nil {
		fmt.Fprintf(stderr, "compliance impact: %v\n", err)
		return 2
	}
	if sameNumbers {
		b = b.WithKindOf(snapshot.PhoneNumbers, a)
	}
	im := snapshot.Compare(a, b)
	if asJSON {
		out, err := snapshot.Encode(im)
		if err != nil {
			fmt.Fprintf(stderr, "compliance impact: %v\n", err)
			return 2
		}
		_, err = stdout.Write(out)
		if err != nil {
			return 2
		}
		return 0
	}
	if err := im.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "compliance impact: %v\n", err)
		return 2
	}
	return 0
}
