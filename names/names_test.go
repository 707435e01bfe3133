package names

import "testing"

func TestSlugs(t *testing.T) {
	for s, want := range map[string]bool{
		"network": true, "app-services": true, "ios17": true,
		"": false, "Network": false, "-network": false, "app--services": false, "app_services": false, "tls/ssl": false,
	} {
		if got := IsSlug(s); got != want {
			t.Errorf("IsSlug(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestHandles(t *testing.T) {
	for s, want := range map[string]bool{
		"quinn": true, "Quinn_2": true, "ab": true, "a23456789012345678901234567890": true,
		"a": false, "a234567890123456789012345678901": false, "quinn.e": false, "@quinn": false, "": false,
	} {
		if got := IsHandle(s); got != want {
			t.Errorf("IsHandle(%q) = %v, want %v", s, got, want)
		}
	}
}
