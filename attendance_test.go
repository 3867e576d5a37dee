package zhiyuan

import (
	"math"
	"testing"
)

func TestDistanceMeters(t *testing.T) {
	t.Parallel()
	if d := DistanceMeters(23.1064, 113.3245, 23.1064, 113.3245); d != 0 {
		t.Errorf("same point: %v", d)
	}
	// One thousandth of a degree of latitude is about 111 m everywhere.
	if d := DistanceMeters(23.0, 113.0, 23.001, 113.0); math.Abs(d-111.2) > 0.5 {
		t.Errorf("0.001° of latitude = %.1f m", d)
	}
	// Guangzhou to Shenzhen centres, about 105 km.
	if d := DistanceMeters(23.1291, 113.2644, 22.5431, 114.0579); d < 100000 || d > 110000 {
		t.Errorf("Guangzhou–Shenzhen %.0f m", d)
	}
}

func TestCheckGeofence(t *testing.T) {
	t.Parallel()
	a := &Activity{Lat: 23.0, Lng: 113.0, CheckinRadiusM: 200}
	near := [2]float64{23.001, 113.0} // ~111 m
	far := [2]float64{23.003, 113.0}  // ~334 m
	if d, err := CheckGeofence(a, &near); err != nil || d != 111 {
		t.Errorf("inside: %d %v", d, err)
	}
	d, err := CheckGeofence(a, &far)
	if ErrorCode(err) != EInvalid || ErrorProblems(err)["lat"].Reason != "geo.too_far" || ErrorReason(err) != "geo.too_far" ||
		ErrorParams(err)["radius"] != 200 || ErrorParams(err)["distance"] != 334 || d != 334 {
		t.Errorf("outside: %d %v", d, err)
	}
	if _, err := CheckGeofence(a, nil); ErrorCode(err) != EInvalid {
		t.Errorf("no position with a geofence: %v", err)
	}
	open := &Activity{Lat: 23.0, Lng: 113.0}
	if d, err := CheckGeofence(open, &far); err != nil || d != 334 {
		t.Errorf("no geofence: %d %v", d, err)
	}
	if d, err := CheckGeofence(open, nil); err != nil || d != -1 {
		t.Errorf("no geofence, no position: %d %v", d, err)
	}
	bad := [2]float64{95, 0}
	if _, err := CheckGeofence(open, &bad); ErrorFields(err)["lat"] == "" {
		t.Errorf("latitude 95 accepted: %v", err)
	}
}

func TestCheckinAndCheckoutTimes(t *testing.T) {
	t.Parallel()
	r := DefaultAttendanceRules()
	start, end := at("09:00"), at("12:00")
	if err := CheckCheckinTime(r, start, end, at("07:59"), nil); ErrorReason(err) != "attendance.too_early" {
		t.Errorf("61 minutes early: %v", err)
	}
	if err := CheckCheckinTime(r, start, end, at("08:00"), nil); err != nil {
		t.Errorf("an hour early: %v", err)
	}
	if err := CheckCheckinTime(r, start, end, at("11:59"), nil); err != nil {
		t.Errorf("late arrival: %v", err)
	}
	if err := CheckCheckinTime(r, start, end, at("12:00"), nil); err == nil {
		t.Error("check-in after the end accepted")
	}
	if err := CheckCheckoutTime(r, end, at("09:00"), at("08:59")); ErrorReason(err) != "attendance.checkout_before_checkin" {
		t.Errorf("check-out before check-in: %v", err)
	}
	if err := CheckCheckoutTime(r, end, at("09:00"), at("14:00")); err != nil {
		t.Errorf("check-out 2 h after the end: %v", err)
	}
	if err := CheckCheckoutTime(r, end, at("09:00"), at("14:01")); err == nil {
		t.Error("check-out long after the end accepted")
	}
}
