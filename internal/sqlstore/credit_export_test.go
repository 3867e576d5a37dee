package sqlstore

// SetCreditCheck turns the credit check of sign-up's volunteer UPDATE on or off, for the
// benchmark that measures what it costs (credit_bench_test.go).
func SetCreditCheck(s *Store, on bool) {
	s.signupLock = signupLockPlain
	if on {
		s.signupLock = signupLockCredit
	}
}
