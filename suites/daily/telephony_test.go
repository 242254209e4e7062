//go:build daily

package daily

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/connect-compliance/connect-compliance/helpers/config"
	"github.com/connect-compliance/connect-compliance/helpers/connectdata"
	"github.com/connect-compliance/connect-compliance/helpers/control"
	"github.com/connect-compliance/connect-compliance/helpers/cwmetrics"
	"github.com/connect-compliance/connect-compliance/helpers/harness"
	"github.com/connect-compliance/connect-compliance/helpers/siptrunk"
)

// Requirement 7.1.5: SIP trunk and telephony health. Amazon Connect's
// telephony is run by AWS and its carriers: there is no trunk of the
// customer's to probe. What the customer can see is checked instead: its
// numbers are claimed, the voice quality Connect measures, and, where the
// center brings its own SIP trunk (an Amazon Chime SDK Voice Connector), that
// trunk's termination health.

// numberStatus is what DAILY-TEL-01 reads of an instance.
type numberStatus struct {
	numbers  []connectdata.PhoneNumber
	statuses map[string]connectdata.PhoneNumberStatus
}

func TestPhoneNumbersClaimed(t *testing.T) {
	c := control.Start(t, "DAILY-TEL-01")
	read := func(ctx context.Context, in *connectdata.Instance) (d numberStatus, err error) {
		if d.numbers, err = in.PhoneNumbers(ctx); err != nil {
			return d, err
		}
		d.statuses, err = in.PhoneNumberStatuses(ctx, d.numbers)
		return d, err
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, d numberStatus) {
		claimed := 0
		for _, n := range d.numbers {
			r := c.On(n.Resource(), at(in, n.ARN))
			st := d.statuses[n.ID]
			ok := 0.0
			if st.Status == "CLAIMED" {
				ok, claimed = 1, claimed+1
			} else {
				r.Note("status %s: %s", st.Status, st.Message)
			}
			r.Note("%s", n.Label())
			assert.GreaterOrEqual(r, r.Observe("in status CLAIMED (1 = yes)", ok), 1.0, "phone number claimed and taking calls")
		}
		r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
		assert.GreaterOrEqual(r, r.Observe("claimed phone numbers", float64(claimed)), r.Threshold("telephony.min_claimed_numbers"),
			fmt.Sprintf("phone numbers in status CLAIMED (of %d)", len(d.numbers)))
	})
}

func TestVoicePacketLossLow(t *testing.T) {
	c := control.Start(t, "DAILY-TEL-02")
	start, end := day()
	read := func(ctx context.Context, in *connectdata.Instance) ([]cwmetrics.Series, error) {
		return cwmetrics.Get(ctx, env.CloudWatch(in), start, end, []cwmetrics.Query{packetLoss(in)})
	}
	harness.ForEachInstance(c, env, read, func(in *connectdata.Instance, s []cwmetrics.Series) {
		r := c.On(harness.InstanceTarget(in).Resource, at(in, in.ARN()))
		if len(s[0]) == 0 {
			r.Note("no voice call reached an agent in 24 h: no packet loss measured")
		}
		assert.LessOrEqual(r, r.Observe("worst 5-minute packet loss rate to the instance in 24 h", peak(s[0])),
			r.Threshold("telephony.max_packet_loss_rate"), "packet loss rate of agent voice streams (ToInstancePacketLossRate, worst 5 min in 24 h)")
	})
}

// packetLoss asks for the 5-minute average of the share of voice packets
// lost on their way to the instance from agents' softphones
// (ToInstancePacketLossRate, 0..1, dimensions InstanceId, Participant=Agent,
// Type of Connection=WebRTC, Stream Type=Voice: Amazon Connect
// Administrator Guide, "Monitoring your instance using CloudWatch").
func packetLoss(in *connectdata.Instance) cwmetrics.Query {
	return cwmetrics.Query{Namespace: "AWS/Connect", Metric: "ToInstancePacketLossRate", Stat: "Average", Period: 5 * time.Minute,
		Dimensions: map[string]string{"InstanceId": in.ID, "Participant": "Agent", "Type of Connection": "WebRTC", "Stream Type": "Voice"}}
}

func TestSIPTrunkTerminationHealthy(t *testing.T) {
	c := control.Start(t, "DAILY-TEL-03")
	trunks := env.Config.DailySettings().SIPVoiceConnectors
	if len(trunks) == 0 {
		c.NotApplicable("no external SIP trunk is configured (daily.sip_voice_connectors): Amazon Connect's telephony is carrier-managed by AWS, with no trunk to probe; numbers and call quality are judged by DAILY-TEL-01 and DAILY-TEL-02")
	}
	var targets []control.Target
	var in []config.VoiceConnector
	for _, t := range env.Targets() {
		for _, v := range trunks {
			if v.Account == t.Account && v.Region == t.Region {
				targets = append(targets, control.Target{Resource: "sip-trunk/" + v.Label(),
					Location: control.Location{Account: v.Account, Region: v.Region,
						ARN: fmt.Sprintf("arn:aws:chime:%s:%s:vc/%s", v.Region, v.Account, v.ID)},
					Err: env.TargetError(v.Account, v.Region)})
				in = append(in, v)
			}
		}
	}
	if len(targets) == 0 {
		c.NotApplicable("no configured SIP trunk is in the accounts and regions of this run")
	}
	now := env.Now()
	control.ForEachTarget(c, targets, env.Concurrency(), func(ctx context.Context, i int) (siptrunk.Health, error) {
		cl, err := clients(in[i].Account, in[i].Region)
		if err != nil {
			return siptrunk.Health{}, err
		}
		return siptrunk.TerminationHealth(ctx, cl.sip, in[i].ID)
	}, func(i int, h siptrunk.Health) {
		t := targets[i]
		r := c.On(t.Resource, t.Location)
		age := now.Sub(h.Checked).Seconds()
		if h.Checked.IsZero() {
			r.Note("the Voice Connector has no termination health record: its SIP peer has never answered")
			age = now.Sub(time.Unix(0, 0)).Seconds()
		} else {
			r.Note("last healthy %s from %s", h.Checked.UTC().Format(time.RFC3339), h.Source)
		}
		assert.LessOrEqual(r, r.Observe("seconds since the trunk was last seen healthy", max(age, 0)),
			r.Threshold("sip.max_health_age_seconds"), "age of the SIP trunk's last healthy termination check (s)")
	})
}
