package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"advising/internal/advising"
)

// forwardedHeaders are the request headers by which a proxy tells who the
// client is and how it connected. They are believed only from a trusted
// proxy; from anyone else they are deleted before any code can read them
// (Echo's RealIP and Scheme, its Secure middleware, the request log).
var forwardedHeaders = []string{
	echo.HeaderXForwardedFor, echo.HeaderXForwardedProto, echo.HeaderXForwardedProtocol,
	echo.HeaderXForwardedSsl, echo.HeaderXUrlScheme, echo.HeaderXRealIP, "X-Forwarded-Host", "Forwarded",
}

// proxies are the addresses whose forwarding headers are believed
// (ADVISING_TRUSTED_PROXIES).
type proxies []netip.Prefix

func (p proxies) trusts(a netip.Addr) bool {
	a = a.Unmap()
	for _, pr := range p {
		if pr.Contains(a) {
			return true
		}
	}
	return false
}

// peer is the address the connection came from.
func peer(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// strip is a Pre middleware deleting the forwarding headers of requests
// that did not come from a trusted proxy.
func (p proxies) strip(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		if !p.trusts(peer(r)) {
			for _, h := range forwardedHeaders {
				r.Header.Del(h)
			}
		}
		return next(c)
	}
}

// clientIP is Echo's IPExtractor: the connection's address, or, when that
// is a trusted proxy, the nearest X-Forwarded-For hop that is not one.
func (p proxies) clientIP(r *http.Request) string {
	client := peer(r)
	if !p.trusts(client) {
		return client.String()
	}
	var hops []string
	for _, v := range r.Header.Values(echo.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(v, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.Trim(strings.TrimSpace(hops[i]), "[]"))
		if err != nil {
			break // garbage: the last address a trusted proxy vouched for stands
		}
		client = a.Unmap()
		if !p.trusts(client) {
			break
		}
	}
	return client.String()
}

// scheme is Echo's SchemeExtractor: https for TLS connections, and what a
// trusted proxy's X-Forwarded-Proto says; http otherwise.
func (p proxies) scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	if p.trusts(peer(r)) && strings.EqualFold(strings.TrimSpace(r.Header.Get(echo.HeaderXForwardedProto)), "https") {
		return "https"
	}
	return "http"
}

// maxRequestIDLen bounds a client's X-Request-Id.
const maxRequestIDLen = 64

// requestID gives every request an ID: the client's X-Request-Id when it is
// short and plain (letters, digits and . _ : -, at most 64), else a new one.
// The ID goes into the request log and back in the response header, so it
// may never carry a client's bulk or control characters there.
func requestID(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		id := r.Header.Get(echo.HeaderXRequestID)
		if !plainID(id) {
			var b [16]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		r.Header.Set(echo.HeaderXRequestID, id)
		c.Response().Header().Set(echo.HeaderXRequestID, id)
		return next(c)
	}
}

func plainID(s string) bool {
	if s == "" || len(s) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '.' || b == '_' || b == ':' || b == '-') {
			return false
		}
	}
	return true
}

// strictQuery answers 400 when the query string does not parse (a raw ";",
// a bad %-escape, more parameters than Go accepts). Go's URL.Query, which
// Echo uses, drops the whole query on such errors, and a request whose
// filters were silently dropped would be answered as if it had none. On the
// API, a parameter given twice is a 422 naming it: every API parameter takes
// one value (lists are comma lists), and a second would be ignored.
func strictQuery(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		raw := c.Request().URL.RawQuery
		if raw == "" {
			return next(c)
		}
		q, err := url.ParseQuery(raw)
		if err != nil {
			return &advising.Error{Code: advising.CodeBadRequest, Err: err,
				Detail: "the query string could not be parsed; separate parameters with & and percent-encode ; and %"}
		}
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			var v advising.Validator
			for name, values := range q {
				if len(values) > 1 {
					v.Add(name, "must be given at most once (a list is one comma-separated value)")
				}
			}
			if err := v.Err(); err != nil {
				return err
			}
		}
		return next(c)
	}
}
