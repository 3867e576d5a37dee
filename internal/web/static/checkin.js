// Optional help for the check-in form: fills in the phone's position so that activities
// with a check-in radius accept the scan. Without it (or without permission) the form
// still works; the server then explains that a position is needed where one is.
(function () {
  var form = document.querySelector("form[data-geolocate]");
  if (!form || !navigator.geolocation) return;
  var status = form.querySelector(".geo-status");
  navigator.geolocation.getCurrentPosition(function (pos) {
    form.elements.lat.value = pos.coords.latitude.toFixed(6);
    form.elements.lng.value = pos.coords.longitude.toFixed(6);
    if (status) status.textContent = "已获取位置（精度约" + Math.round(pos.coords.accuracy) + "米）";
  }, function () {
    if (status) status.textContent = "未能获取位置；如活动要求现场签到，请允许定位后刷新页面。";
  }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
})();
