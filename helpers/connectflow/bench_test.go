package connectflow_test

import (
	"fmt"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
)

// BenchmarkAnalyze analyses generated instances of 1,000, 5,000 and 10,000
// actions in five shapes (generate_test.go): a chain, a wide fan-out,
// deeply nested loops, one big strongly connected group, and flows of 100
// actions linked by TransferToFlow. It builds the graph and analyses it
// (the content is parsed once, before: BenchmarkParse measures that).
// ns/action stays flat as the size grows: the analysis is linear. Compare
// the sizes with
//
//	go test -run '^$' -bench 'Analyze|Parse' -count 6 ./helpers/connectflow/
func BenchmarkAnalyze(b *testing.B) {
	for _, s := range shapes {
		for _, n := range []int{1000, 5000, 10000} {
			g := s.gen(n)
			ms, err := g.members()
			if err != nil {
				b.Fatal(err)
			}
			actions := 0
			for _, m := range ms {
				actions += len(m.Flow.Actions)
			}
			b.Run(fmt.Sprintf("%s/%d", s.name, n), func(b *testing.B) {
				for b.Loop() {
					if issues := connectflow.NewGraph(ms).Analyze(); len(issues) != len(ms) {
						b.Fatalf("%d members, %d issue lists", len(ms), len(issues))
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(actions), "ns/action")
			})
		}
	}
}

// BenchmarkParse parses the same content (JSON decoding and indexing).
func BenchmarkParse(b *testing.B) {
	for _, n := range []int{1000, 5000, 10000} {
		g := chainFlow(n)
		b.Run(fmt.Sprintf("chain/%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := g.members(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/action")
		})
	}
}
