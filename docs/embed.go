// Package docs embeds the service's published documents, so the binary can
// serve its OpenAPI description from any working directory.
package docs

import _ "embed"

// OpenAPI is docs/openapi.yaml, served at /api/v1/openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
