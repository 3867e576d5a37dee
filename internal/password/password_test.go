package password

import "testing"

func TestHashVerify(t *testing.T) {
	t.Parallel()
	h, err := Hash("s3cret-pass", Fast)
	if err != nil {
		t.Fatal(err)
	}
	if ok, rehash, err := Verify("s3cret-pass", h, Fast); !ok || rehash || err != nil {
		t.Fatalf("right password: ok=%v rehash=%v err=%v", ok, rehash, err)
	}
	if ok, _, _ := Verify("s3cret-pasS", h, Fast); ok {
		t.Fatal("wrong password accepted")
	}
	if _, rehash, _ := Verify("s3cret-pass", h, Default); !rehash {
		t.Fatal("hash with weaker parameters should ask for a rehash")
	}
	h2, _ := Hash("s3cret-pass", Fast)
	if h == h2 {
		t.Fatal("two hashes of one password must differ by salt")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=x$AA$AA", "plain"} {
		if _, _, err := Verify("x", bad, Fast); err != ErrMalformed {
			t.Errorf("Verify(%q) err = %v, want ErrMalformed", bad, err)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for pw, bad := range map[string]bool{"short1": true, "onlyletters": true, "12345678": true, "abc12345": false, "密码很长很长abc123": false} {
		if got := Check(pw) != NoWeakness; got != bad {
			t.Errorf("Check(%q) rejected=%v, want %v", pw, got, bad)
		}
	}
}
