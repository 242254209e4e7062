package control

import (
	"regexp"
	"strings"
)

// testify's failure text has the shape
//
//	\n\tError Trace:\t...\n\tError:      \t"900" is not less than or equal to "300"\n\tMessages:   \toldest contact age (s)
//
// summarise turns it into one line, "oldest contact age (s): 900 > 300", and
// pulls out the observed and expected values where the assertion names them.
func summarise(text string) (line, observed, expected string) {
	var errText, msg string
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "Error:"):
			errText = strings.TrimSpace(strings.TrimPrefix(l, "Error:"))
		case strings.HasPrefix(l, "Messages:"):
			msg = strings.TrimSpace(strings.TrimPrefix(l, "Messages:"))
		}
	}
	if errText == "" {
		return strings.Join(strings.Fields(text), " "), "", ""
	}
	if m := comparison.FindStringSubmatch(errText); m != nil {
		observed, expected = m[1], relations[m[2]]+" "+m[3]
		errText = observed + " " + negated[m[2]] + " " + m[3]
	}
	if msg != "" {
		return msg + ": " + errText, observed, expected
	}
	return errText, observed, expected
}

var comparison = regexp.MustCompile(`^"(.*)" is not (less than or equal to|greater than or equal to|less than|greater than) "(.*)"$`)

// relations maps testify's wording to the threshold the value had to meet.
var relations = map[string]string{
	"less than or equal to":    "<=",
	"greater than or equal to": ">=",
	"less than":                "<",
	"greater than":             ">",
}

// negated is the relation that held instead.
var negated = map[string]string{
	"less than or equal to":    ">",
	"greater than or equal to": "<",
	"less than":                ">=",
	"greater than":             "<=",
}

// phoneNumber matches E.164 numbers, the form Amazon Connect uses for
// claimed numbers and customer endpoints ("+14155550100"). Plain digit runs
// (account ids, timestamps) are left alone.
var phoneNumber = regexp.MustCompile(`\+[1-9][0-9]{6,14}\b`)

// Redact removes personal data (phone numbers) from text before it is
// written as evidence.
func Redact(s string) string {
	return phoneNumber.ReplaceAllString(s, "[redacted phone number]")
}
