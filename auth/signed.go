package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
)

// SignID returns a token that names id for one purpose, signed with key: the id, a dot,
// and an HMAC of both in unpadded base64url, safe in a URL path. It needs no row in the
// database and never expires, so it suits what anyone holding it may always do, such as
// unsubscribing its member from email; a token for more is random and stored hashed.
func SignID(key []byte, purpose string, id int64) string {
	s := strconv.FormatInt(id, 10)
	return s + "." + base64.RawURLEncoding.EncodeToString(idMAC(key, purpose, s))
}

// VerifyID returns the id a token SignID made with key for purpose names, or false when
// the token is not one.
func VerifyID(key []byte, purpose, token string) (int64, bool) {
	s, sig, ok := strings.Cut(token, ".")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s {
		return 0, false
	}
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(mac, idMAC(key, purpose, s)) {
		return 0, false
	}
	return id, true
}

func idMAC(key []byte, purpose, id string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose + "\x00" + id))
	return m.Sum(nil)
}
