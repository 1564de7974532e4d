package httpapi

import (
	gojson "github.com/goccy/go-json"
	"github.com/labstack/echo/v4"
)

// jsonSerializer encodes responses with goccy/go-json, which produces the
// same output as encoding/json at a fraction of its cost: the caseload page
// is tens of kilobytes of JSON and the hottest response in the product.
// Request bodies are decoded by decodeJSON, never through this.
type jsonSerializer struct{}

func (jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	enc := gojson.NewEncoder(c.Response())
	if indent != "" {
		enc.SetIndent("", indent)
	}
	return enc.Encode(i)
}

func (jsonSerializer) Deserialize(c echo.Context, i any) error {
	return decodeJSON(c, i)
}
