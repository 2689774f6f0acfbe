package api

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/time/rate"

	"github.com/nexohq/nexo/graph"
)

// principal is who makes a request: a token of a member of one workspace.
type principal struct {
	Token *graph.Token
	User  *graph.User
}

const principalKey = "principal"

// workspaceKey is where authenticate puts the request's workspace id in the
// gin context, for the access log.
const workspaceKey = "workspace"

// authCacheTTL bounds how long a token lookup is reused. Revocation through
// this server takes effect at once (the cache entry is dropped); a revocation
// made elsewhere takes effect within the TTL.
const authCacheTTL = 10 * time.Second

type authEntry struct {
	p       principal
	expires time.Time
}

// auth keeps token lookups, last-use writes and per-token rate limits.
type auth struct {
	mu       sync.Mutex
	cache    map[string]authEntry // by token hash
	touched  map[string]time.Time // by token id: last lastUsedAt write
	limiters map[string]*rate.Limiter
	rps      rate.Limit
	burst    int
	failures *failures // failed lookups per client address
	store    graph.Store
	logger   *slog.Logger // for errors (errors.go)
}

func newAuth(store graph.Store, logger *slog.Logger, rps float64, burst int) *auth {
	return &auth{store: store, logger: logger, cache: map[string]authEntry{}, touched: map[string]time.Time{},
		limiters: map[string]*rate.Limiter{}, rps: rate.Limit(rps), burst: burst,
		failures: newFailures(AuthFailureRate, AuthFailureBurst)}
}

// forget drops cached lookups of a token (after it is revoked) or of every
// token of a user (after the user changes or goes).
func (a *auth) forget(tokenID, userID string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for h, e := range a.cache {
		if e.p.Token.ID == tokenID || e.p.User.ID == userID {
			delete(a.cache, h)
		}
	}
}

// authenticate resolves the bearer token, loads its member, applies the
// rate limit and scopes the request to the member's workspace.
func (a *auth) authenticate(c *gin.Context) {
	secret, ok := bearer(c.GetHeader("Authorization"))
	if !ok || !strings.HasPrefix(secret, graph.TokenPrefix) || len(secret) > 200 {
		c.Header("WWW-Authenticate", `Bearer realm="nexo"`)
		writeError(c, a.logger, graph.Errorf(graph.EUNAUTHORIZED, "A valid bearer token is required (Authorization: Bearer nexo_…)."))
		return
	}
	hash := graph.HashToken(secret)
	p, ok := a.cached(hash)
	if !ok {
		// Not seen in the last seconds: a lookup, which the address's
		// failures limit (authlimit.go).
		refund, allowed := a.try(c)
		if !allowed {
			return
		}
		var err error
		if p, err = a.lookup(c, hash); graph.ErrorCode(err) != graph.EUNAUTHORIZED {
			refund() // only a refused token counts against the address
		}
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="nexo", error="invalid_token"`)
			writeError(c, a.logger, err)
			return
		}
	}
	if !a.allow(p.Token.ID) {
		c.Header("Retry-After", "1")
		writeError(c, a.logger, graph.Errorf(graph.ERATELIMITED, "Too many requests for this token; slow down."))
		return
	}
	c.Set(principalKey, p)
	c.Set(workspaceKey, p.Token.WorkspaceID)
	c.Next()
}

// try counts an authentication against the client's address (authlimit.go)
// and answers 429 when the address has failed too often; refund takes the
// count back once the credentials prove good.
func (a *auth) try(c *gin.Context) (refund func(), allowed bool) {
	refund, wait, allowed := a.failures.try(c.ClientIP())
	if !allowed {
		c.Header("Retry-After", strconv.Itoa(retryAfter(wait)))
		writeError(c, a.logger, graph.Errorf(graph.ERATELIMITED, "Too many failed authentications from your address; try again in %d s.",
			retryAfter(wait)))
	}
	return refund, allowed
}

// scraper admits the holder of the metrics token (NEXO_METRICS_TOKEN) to
// /metrics: the figures are the whole server's, across workspaces, so no
// member's token opens them. Without a token set, metrics are off (404).
// Wrong tokens count against the client's address like refused API tokens.
func (a *auth) scraper(token string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if token == "" {
			writeError(c, a.logger, graph.Errorf(graph.ENOTFOUND, "Metrics are off; set NEXO_METRICS_TOKEN to serve them."))
			return
		}
		refund, allowed := a.try(c)
		if !allowed {
			return
		}
		secret, ok := bearer(c.GetHeader("Authorization"))
		if !ok || subtle.ConstantTimeCompare([]byte(secret), []byte(token)) != 1 {
			c.Header("WWW-Authenticate", `Bearer realm="nexo-metrics"`)
			writeError(c, a.logger, graph.Errorf(graph.EUNAUTHORIZED,
				"The metrics token is required (Authorization: Bearer $NEXO_METRICS_TOKEN)."))
			return
		}
		refund()
		c.Next()
	}
}

// bearer returns the credentials of an Authorization header of the Bearer
// scheme, whose name is case-insensitive (RFC 9110 11.1): "bearer x" is as
// good as "Bearer x".
func bearer(h string) (string, bool) {
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimLeft(cred, " "), true
}

// cached returns the principal of a token looked up in the last
// authCacheTTL.
func (a *auth) cached(hash string) (principal, bool) {
	a.mu.Lock()
	e, ok := a.cache[hash]
	a.mu.Unlock()
	if ok && time.Now().Before(e.expires) {
		return e.p, true
	}
	return principal{}, false
}

// lookup finds a token and its member in the store and caches them.
func (a *auth) lookup(ctx context.Context, hash string) (principal, error) {
	now := time.Now()
	tok, err := a.store.FindTokenByHash(ctx, hash)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return principal{}, graph.Errorf(graph.EUNAUTHORIZED, "Unknown or revoked token.")
	} else if err != nil {
		return principal{}, err
	}
	user, err := a.store.FindUser(ctx, tok.WorkspaceID, tok.UserID)
	if graph.ErrorCode(err) == graph.ENOTFOUND {
		return principal{}, graph.Errorf(graph.EUNAUTHORIZED, "The token's member no longer exists.")
	} else if err != nil {
		return principal{}, err
	}
	p := principal{Token: tok, User: user}
	a.mu.Lock()
	a.cache[hash] = authEntry{p: p, expires: now.Add(authCacheTTL)}
	touch := now.Sub(a.touched[tok.ID]) > time.Minute
	if touch {
		a.touched[tok.ID] = now
	}
	a.mu.Unlock()
	if touch {
		// Best effort: a failed last-use write must not fail the request.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_ = a.store.TouchToken(ctx, tok.ID)
		}()
	}
	return p, nil
}

func (a *auth) allow(tokenID string) bool {
	if a.rps <= 0 {
		return true
	}
	a.mu.Lock()
	l, ok := a.limiters[tokenID]
	if !ok {
		l = rate.NewLimiter(a.rps, a.burst)
		a.limiters[tokenID] = l
	}
	a.mu.Unlock()
	return l.Allow()
}

// who returns the request's principal; authenticate has set it.
func who(c *gin.Context) principal {
	p, _ := c.Get(principalKey)
	return p.(principal)
}

// ws returns the request's workspace id.
func ws(c *gin.Context) string { return who(c).Token.WorkspaceID }

// requireWrite stops viewers from changing anything.
func (a *auth) requireWrite(c *gin.Context) {
	if !who(c).User.Role.CanWrite() {
		writeError(c, a.logger, graph.Errorf(graph.EFORBIDDEN, "Viewers cannot change the network."))
		return
	}
	c.Next()
}

// requireOwner restricts a route to workspace owners.
func (a *auth) requireOwner(c *gin.Context) {
	if who(c).User.Role != graph.RoleOwner {
		writeError(c, a.logger, graph.Errorf(graph.EFORBIDDEN, "Only workspace owners can do this."))
		return
	}
	c.Next()
}

// noStore forbids caching every answer under /api/v1: they carry tokens
// (POST /tokens, POST /members) and personal data, which must not stay in a
// browser's or a proxy's cache after the tab is closed.
func noStore(c *gin.Context) {
	if p := c.Request.URL.Path; p == "/api/v1" || strings.HasPrefix(p, "/api/v1/") {
		c.Header("Cache-Control", "no-store")
	}
	c.Next()
}

// limitBody caps request bodies; a larger one fails with 413 when read.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			c.AbortWithStatusJSON(http.StatusRequestEntityTooLarge, errorBody{errorDetail{Code: graph.ETOOLARGE,
				Message: "Request body larger than " + strconv.FormatInt(n, 10) + " bytes."}})
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}
