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

// The camera: opens the back camera and reads the organiser's QR code with jsQR (vendor,
// loaded on this page only), filling in the code it carries. Where there is no camera,
// the permission is refused or jsQR is missing, a short message says so and the text box
// gets the focus: the long or the six-digit code typed by hand works the same.
(function () {
  var box = document.querySelector("[data-scan]");
  var input = document.getElementById("code");
  if (!box || !input) return;
  var status = box.querySelector("[data-scan-status]");
  var video = box.querySelector("video");
  var start = box.querySelector("[data-scan-start]");
  var stream = null;
  var canvas = document.createElement("canvas");
  var ctx = canvas.getContext("2d", { willReadFrequently: true });
  box.hidden = false;
  function say(msg) { status.textContent = msg; }
  function typeInstead(msg) { say(msg); input.focus(); }
  if (typeof jsQR !== "function" || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    typeInstead("此浏览器无法使用相机扫码，请输入现场屏幕上的签到码。");
    return;
  }
  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    start.hidden = false;
  }
  function found(text) {
    var code = "";
    try {
      var u = new URL(text, location.href);
      if (u.pathname === "/checkin") code = u.searchParams.get("code") || "";
    } catch (e) { /* not an address: not our code */ }
    if (!code) {
      say("这不是签到二维码，请扫描活动现场屏幕上的二维码。");
      return false;
    }
    stop();
    input.value = code;
    say("已读取签到码，请点“签到”或“签退”。");
    var b = input.form.querySelector("button[name=action]");
    if (b) b.focus();
    return true;
  }
  function tick() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var qr = jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
      if (qr && qr.data && found(qr.data)) return;
    }
    requestAnimationFrame(tick);
  }
  function open() {
    start.hidden = true;
    say("正在打开相机…");
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      video.play();
      say("请把现场屏幕上的二维码放进取景框。");
      requestAnimationFrame(tick);
    }, function (err) {
      start.hidden = false;
      var denied = "未获得相机权限，请输入现场屏幕上的签到码。";
      var missing = "未找到可用的相机，请输入现场屏幕上的签到码。";
      if (err && (err.name === "NotAllowedError" || err.name === "SecurityError")) return typeInstead(denied);
      // A browser without a camera may report the missing device before the refused
      // permission; the permission's state says which it was.
      if (!navigator.permissions || !navigator.permissions.query) return typeInstead(missing);
      navigator.permissions.query({ name: "camera" }).then(function (p) {
        typeInstead(p.state === "denied" ? denied : missing);
      }, function () { typeInstead(missing); });
    });
  }
  start.addEventListener("click", open);
  if (input.value) start.hidden = false; // the code is already there (a scan, or an error shown)
  else open();
})();
