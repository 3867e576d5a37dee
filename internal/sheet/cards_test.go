package sheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

func printRow(i int) CardPrintRow {
	return CardPrintRow{
		CardNumber: fmt.Sprintf("4401062026%06d%s", i+1, "X"), Name: fmt.Sprintf("志愿者%05d", i),
		VolunteerNo: fmt.Sprintf("0044010600%06d", i), Organization: "中山大学青年志愿者协会",
		PhotoFile: fmt.Sprintf("4401062026%06dX.jpg", i+1), Delivery: "经组织领取",
	}
}

func TestCardPrintList10000Rows(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l, err := NewCardPrintList(&buf, "批次 1")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10000; i++ {
		if err := l.Add(printRow(i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Add(printRow(0)); err == nil {
		t.Fatal("Add after Close accepted")
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(cardSheetName)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 10001 {
		t.Fatalf("%d rows, want header + 10000", len(rows))
	}
	if fmt.Sprint(rows[0]) != fmt.Sprint(CardPrintHeader) {
		t.Fatalf("header %v", rows[0])
	}
	want := printRow(9999)
	last := rows[10000]
	// Numbers stay text: the leading zeros of the volunteer number and the check X survive.
	if last[0] != "10000" || last[1] != want.CardNumber || last[2] != want.Name || last[3] != want.VolunteerNo ||
		last[4] != want.Organization || last[5] != want.PhotoFile || last[6] != want.Delivery {
		t.Fatalf("last row %v, want %+v", last, want)
	}
}

func TestPhotoZip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	z := NewPhotoZip(&buf)
	if err := z.Add("44010620260000127.jpg", []byte("\xFF\xD8\xFFjpeg")); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "../etc/passwd", "a/b.jpg", `a\b.jpg`, "44010620260000127.jpg"} {
		if err := z.Add(bad, []byte("x")); err == nil {
			t.Errorf("Add(%q) accepted", bad)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	r, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.File) != 1 || r.File[0].Name != "44010620260000127.jpg" || r.File[0].Method != zip.Store {
		t.Fatalf("zip has %v", r.File)
	}
}
