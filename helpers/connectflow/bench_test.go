package connectflow_test

import (
	"fmt"
	"testing"

	"github.com/connect-compliance/connect-compliance/helpers/connectflow"
)

// BenchmarkAnalyze parses and analyses generated instances of 1,000, 5,000
// and 10,000 actions in five shapes (generate_test.go): a chain, a wide
// fan-out, deeply nested loops, one big strongly connected group, and
// flows of 100 actions linked by TransferToFlow. ns/action stays flat as
// the size grows: the analysis is linear. Compare sizes with
//
//	go test -run '^$' -bench Analyze ./helpers/connectflow/
func BenchmarkAnalyze(b *testing.B) {
	for _, s := range shapes {
		for _, n := range []int{1000, 5000, 10000} {
			g := s.gen(n)
			b.Run(fmt.Sprintf("%s/%d", s.name, n), func(b *testing.B) {
				actions := 0
				for b.Loop() {
					ms, err := g.members()
					if err != nil {
						b.Fatal(err)
					}
					if actions == 0 {
						for _, m := range ms {
							actions += len(m.Flow.Actions)
						}
					}
					issues := connectflow.NewGraph(ms).Analyze()
					if len(issues) != len(ms) {
						b.Fatalf("%d members, %d issue lists", len(ms), len(issues))
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(actions), "ns/action")
			})
		}
	}
}
