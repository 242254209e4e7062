//go:build daily

package daily

import (
	"time"

	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
)

// day is the 24-hour window the daily controls judge, ending at the run's
// minute.
func day() (start, end time.Time) {
	end = env.Now().UTC().Truncate(time.Minute)
	return end.Add(-24 * time.Hour), end
}

// voiceCalls asks for an instance-level AWS/Connect voice metric
// (dimensions InstanceId and MetricGroup=VoiceCalls: Amazon Connect
// Administrator Guide, "Monitoring your instance using CloudWatch").
func voiceCalls(in *connectdata.Instance, metric, stat string, period time.Duration) cwmetrics.Query {
	return cwmetrics.Query{Namespace: "AWS/Connect", Metric: metric, Stat: stat, Period: period,
		Dimensions: map[string]string{"InstanceId": in.ID, "MetricGroup": "VoiceCalls"}}
}

// total is the sum of a series' values. Connect and Lambda emit no datapoint
// for a period without activity: an empty series is 0, not missing data.
func total(s cwmetrics.Series) float64 {
	t := 0.0
	for _, p := range s {
		t += p.Value
	}
	return t
}

// peak is a series' largest value (0 for no data).
func peak(s cwmetrics.Series) float64 {
	m, _ := s.Max()
	return m
}
