package app

import (
	"context"
	"log/slog"
	"net/netip"
	"strconv"
	"time"

	"zhiyuan"
)

// throttleRegistration counts one volunteer registration from the caller's address and
// refuses it once more than Config.RegisterPerIP fall in one Config.RegisterWindow. It
// runs after the input has been checked, so a typo costs nothing, and before the
// password is hashed and the row written, so a refused attempt costs little and learns
// nothing (a 409 would tell whether an identity number or phone is registered).
// Requests that carry no address come from inside the platform and are not counted.
func (a *App) throttleRegistration(ctx context.Context) error {
	ip := zhiyuan.ClientFrom(ctx).IP
	if ip == "" || a.Config.RegisterPerIP <= 0 {
		return nil
	}
	n, ends, err := a.store.ThrottleCount(ctx, "reg:"+addressKey(ip), a.Config.RegisterWindow)
	if err != nil {
		return err
	}
	if n <= a.Config.RegisterPerIP {
		return nil
	}
	a.Log.InfoContext(ctx, "registration refused: too many from one address", slog.Int("count", n))
	// Whole minutes, rounded up: "1分钟" at the very end, never "0分钟".
	mins := max(1, int((ends.Sub(a.store.Now())+time.Minute-1)/time.Minute))
	return zhiyuan.Fail(zhiyuan.ERateLimited, "volunteer.register_rate_limited", "minutes", mins)
}

// addressKey is what a per-address limit counts under: the address itself for IPv4,
// its /64 for IPv6, because one IPv6 client usually holds a whole /64 and would
// otherwise get a fresh allowance with every address in it.
func addressKey(ip string) string {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	addr = addr.Unmap()
	if addr.Is4() {
		return addr.String()
	}
	return netip.PrefixFrom(addr.WithZone(""), 64).Masked().String()
}

// throttleProofs counts one new proof against the caller's account and refuses it once
// more than Config.ProofsPerAccount fall in one Config.ProofWindow. Only proofs that
// would be rendered and stored count: asking again for unchanged records returns the
// existing proof and costs nothing. A proof is a PDF of tens of KB kept for good, so
// without a limit one account could fill the database (issue 9: 100 proofs in 7 s).
func (a *App) throttleProofs(ctx context.Context, p *zhiyuan.Principal) error {
	if a.Config.ProofsPerAccount <= 0 {
		return nil
	}
	n, ends, err := a.store.ThrottleCount(ctx, "proof:"+strconv.FormatInt(p.AccountID, 10), a.Config.ProofWindow)
	if err != nil {
		return err
	}
	if n <= a.Config.ProofsPerAccount {
		return nil
	}
	mins := max(1, int((ends.Sub(a.store.Now())+time.Minute-1)/time.Minute))
	return zhiyuan.Fail(zhiyuan.ERateLimited, "proof.rate_limited", "window", chineseDuration(a.Config.ProofWindow), "max", a.Config.ProofsPerAccount, "retry", chineseDuration(time.Duration(mins)*time.Minute))
}

// chineseDuration writes a whole number of hours or minutes: "24小时", "15分钟".
func chineseDuration(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return strconv.Itoa(int(d/time.Hour)) + "小时"
	}
	return strconv.Itoa(max(1, int((d+time.Minute-1)/time.Minute))) + "分钟"
}
