package httpapi

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The scan that lets most bodies skip the walk must never let through a
// body the walk would have rewritten.
func TestFoldMatchScanAgreesWithWalk(t *testing.T) {
	t.Parallel()
	type inner struct {
		Rank  int    `json:"rank"`
		Label string `json:"label"`
	}
	type request struct {
		Body       string           `json:"body"`
		Visibility string           `json:"visibility"`
		Items      []inner          `json:"items"`
		ByName     map[string]inner `json:"by_name"`
		Extra      json.RawMessage  `json:"extra"`
	}
	typ := reflect.TypeFor[*request]()
	for _, tc := range []struct {
		body     string
		mayMatch bool // what the scan must say
	}{
		{`{"body":"Called the applicant.","visibility":"private"}`, false},
		{`{"body":"x","items":[{"rank":1,"label":"a"}],"by_name":{"k":{"rank":2}}}`, false},
		{`{"unknown":1,"body":"x"}`, false},
		{`{"extra":{"BODY":1}}`, true}, // raw: not matched by the walk, but the scan is cautious
		{`{"Body":"x"}`, true},
		{`{"items":[{"RANK":1}]}`, true},
		{`{"by_name":{"k":{"Label":"a"}}}`, true},
		{`{"body":"the word \"Body\" in a note"}`, true},
		{`{"b\u006fdy":"x"}`, true},
		{`{"body":"café"}`, true},
		{`{"paſſword":"x"}`, true},
		{`not json`, false},
	} {
		got := mayFoldMatch([]byte(tc.body), typ)
		if got != tc.mayMatch {
			t.Errorf("mayFoldMatch(%s) = %v; want %v", tc.body, got, tc.mayMatch)
		}
		// Whatever the scan says, the body decodes as the walked one does.
		var fast, walked request
		errFast := json.Unmarshal(exactMembers([]byte(tc.body), typ), &fast)
		errWalked := json.Unmarshal(blankInexact([]byte(tc.body), typ), &walked)
		if (errFast == nil) != (errWalked == nil) || !reflect.DeepEqual(fast, walked) {
			t.Errorf("%s decodes as %+v (%v); walked, as %+v (%v)", tc.body, fast, errFast, walked, errWalked)
		}
	}
}
