package store

import (
	"sync"
	"testing"

	"gorm.io/gorm/schema"
)

// No row type lets GORM stamp its own created_at or updated_at: the time a
// write stores must be the one casework chose and returned to the client
// (GORM's stamp is its wall clock, a different instant at another precision).
func TestRowsKeepTheCallersTimes(t *testing.T) {
	for _, row := range []any{&userRow{}, &caseRow{}, &profileRow{}, &workSampleRow{}} {
		s, err := schema.Parse(row, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			t.Fatalf("schema.Parse(%T): %v", row, err)
		}
		for _, f := range s.Fields {
			if f.AutoCreateTime != 0 || f.AutoUpdateTime != 0 {
				t.Errorf("%T.%s is stamped by GORM; tag it autoCreateTime:false / autoUpdateTime:false", row, f.Name)
			}
		}
	}
}
