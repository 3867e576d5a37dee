package proof

import (
	"crypto/ed25519"
	"io"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// BenchmarkProofPDF renders a 50-record proof and, in the same run, the same PDF library
// writing a one-page document with the same embedded font: the reference is the floor
// any proof costs (loading and subsetting the CJK font), so the ratio shows what the
// layout adds.
func BenchmarkProofPDF(b *testing.B) {
	font := testFont(b)
	p := sampleProof(50)
	const batch = 5
	var proofT, pageT time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for k := 0; k < batch; k++ {
			if err := RenderProof(io.Discard, p, font); err != nil {
				b.Fatal(err)
			}
		}
		proofT += time.Since(start)
		start = time.Now()
		for k := 0; k < batch; k++ {
			onePage(b, font)
		}
		pageT += time.Since(start)
	}
	n := float64(b.N * batch)
	b.ReportMetric(n/proofT.Seconds(), "proofs/s")
	b.ReportMetric(n/pageT.Seconds(), "onepage/s")
	b.ReportMetric(proofT.Seconds()/pageT.Seconds(), "proof/onepage")
}

func onePage(b *testing.B, font *Font) {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("cjk", "", font.data)
	pdf.AddPage()
	pdf.SetFont("cjk", "", 14)
	pdf.Text(20, 30, "志愿服务记录证明 欧阳晓晴")
	if err := pdf.Output(io.Discard); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCardVerify verifies card payloads beside raw Ed25519 verification of the
// same signed bytes: the ratio is the price of decoding and checking the claims.
func BenchmarkCardVerify(b *testing.B) {
	s, _ := NewSigner()
	payload, err := s.SignCard(claims())
	if err != nil {
		b.Fatal(err)
	}
	keys := s.PublicKeys()
	raw, _ := b64.DecodeString(payload)
	body, sig := raw[:len(raw)-ed25519.SignatureSize], raw[len(raw)-ed25519.SignatureSize:]
	msg := signedMessage(body)
	pub := keys[s.ActiveKeyID()]
	const batch = 2000
	var cardT, rawT time.Duration
	for i := 0; i < b.N; i++ {
		start := time.Now()
		for k := 0; k < batch; k++ {
			if _, err := VerifyCard(payload, keys, t0); err != nil {
				b.Fatal(err)
			}
		}
		cardT += time.Since(start)
		start = time.Now()
		for k := 0; k < batch; k++ {
			if !ed25519.Verify(pub, msg, sig) {
				b.Fatal("raw verify failed")
			}
		}
		rawT += time.Since(start)
	}
	n := float64(b.N * batch)
	b.ReportMetric(n/cardT.Seconds(), "verifications/s")
	b.ReportMetric(n/rawT.Seconds(), "raw-ed25519/s")
	b.ReportMetric(cardT.Seconds()/rawT.Seconds(), "card/raw")
}
