package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhiyuan"
	"zhiyuan/internal/app"
	"zhiyuan/internal/idcard"
	"zhiyuan/internal/sqlstore"
)

// RoleUnclaimed is the printed role of the demo's imported student whose account is not
// claimed yet: no password, so no home page until /claim.
const RoleUnclaimed = "待认领学生"

// demoImportRows is the size of the demo's finished import: a class list, small enough to
// cost nothing at start.
const demoImportRows = 120

// fillImport leaves one finished import of a member list in 广州市义工联合会, with a few
// broken rows in its error sheet, so that 批量导入 shows a preview, counts and an error
// sheet. It is written as the job would write it (the store's batches), at once.
func fillImport(ctx context.Context, a *app.App, s *sqlstore.Store, opt Options, accounts *[]Account) error {
	acc, _, err := s.FindAccountByPhone(ctx, "13900000203")
	if err != nil {
		return fmt.Errorf("demo import admin: %w", err)
	}
	p := &zhiyuan.Principal{AccountID: acc.ID, Name: acc.Name, Roles: acc.Roles}
	var org int64
	for _, r := range acc.Roles {
		if r.Kind == zhiyuan.RoleOrgAdmin {
			org = r.OrgID
		}
	}
	var list strings.Builder
	// 所在区县: the association is registered at city level, so each row names its district.
	list.WriteString("姓名,证件号码,手机号,所在区县,政治面貌,服务类别,备注\n")
	born := time.Date(2007, 9, 1, 0, 0, 0, 0, time.UTC)
	for i := range demoImportRows {
		id := idcard.Generate("440106", born.AddDate(0, 0, i/100), i%100+800, idcard.Sex(1+i%2))
		phone := fmt.Sprintf("1350099%04d", i)
		switch i {
		case 17:
			id = id[:17] + "0" // a wrong check digit, unless it was 0
			if id == idcard.Generate("440106", born.AddDate(0, 0, i/100), i%100+800, idcard.Sex(1+i%2)) {
				id = id[:17] + "1"
			}
		case 58:
			phone = "1350099"
		}
		fmt.Fprintf(&list, "%c%c%c,%s,%s,440106,共青团员,支教助学,2026级\n", demoSurnames[i%len(demoSurnames)], '明'+rune(i%7), '华'+rune(i%5), id, phone)
	}
	im, _, err := a.UploadImport(ctx, p, org, []byte(list.String()))
	if err != nil {
		return fmt.Errorf("demo import upload: %w", err)
	}
	for ready := false; !ready; {
		if ready, err = s.ClassifyImport(ctx, im.ID, 4*zhiyuan.ImportBatchRows); err != nil {
			return err
		}
	}
	if _, err := a.RunImport(ctx, p, im.ID); err != nil {
		return fmt.Errorf("demo import run: %w", err)
	}
	for done := false; !done; {
		if done, err = s.RunImportBatch(ctx, im.ID, zhiyuan.ImportBatchRows); err != nil {
			return err
		}
	}
	// The first student has an account no one has claimed yet: /claim takes the phone, the
	// last six characters of the identity number and a new password.
	first := idcard.Generate("440106", born, 800, idcard.Sex(1))
	*accounts = append(*accounts, Account{RoleUnclaimed, "13500990000",
		fmt.Sprintf("%c明华（未设密码：在 /claim 用证件号后六位 %s 认领）", demoSurnames[0], first[len(first)-6:])})
	return nil
}
