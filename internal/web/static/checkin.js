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

// The check-in camera (camera.js): takes only the platform's check-in QR (an address of
// /checkin with its code) and fills in the code; the volunteer then taps 签到 or 签退. It
// opens at once unless the code is already there (a scan, or an error shown).
(function () {
  var input = document.getElementById("code");
  if (!input || !window.zhiyuanCamera) return;
  zhiyuanCamera({
    input: input,
    unsupported: "此浏览器无法使用相机扫码，请输入现场屏幕上的签到码。",
    aim: "请把现场屏幕上的二维码放进取景框。",
    denied: "未获得相机权限，请输入现场屏幕上的签到码。",
    missing: "未找到可用的相机，请输入现场屏幕上的签到码。",
    openAtOnce: !input.value,
    found: function (text, say) {
      var code = "";
      try {
        var u = new URL(text, location.href);
        if (u.pathname === "/checkin") code = u.searchParams.get("code") || "";
      } catch (e) { /* not an address: not our code */ }
      if (!code) {
        say("这不是签到二维码，请扫描活动现场屏幕上的二维码。");
        return false;
      }
      input.value = code;
      say("已读取签到码，请点“签到”或“签退”。");
      var b = input.form.querySelector("button[name=action]");
      if (b) b.focus();
      return true;
    }
  });
})();
