// The camera of the pages that read a QR code (check-in, the partner's gate): opens the
// back camera in the [data-scan] box and reads frames with jsQR (vendor, loaded on those
// pages only) until the page's found(text) accepts what it read. Where there is no
// camera, the permission is refused or jsQR is missing, a short message says so and the
// text box gets the focus: typing the code works the same. Each page's own script calls
// zhiyuanCamera with its text box, its messages and what to do with a code.
//
// opt: input (the text box), found(text, say) → true when the code is taken,
// unsupported, aim, denied, missing (messages), openAtOnce (open without a tap).
window.zhiyuanCamera = function (opt) {
  var box = document.querySelector("[data-scan]");
  var input = opt.input;
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
    typeInstead(opt.unsupported);
    return;
  }
  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    start.hidden = false;
  }
  function tick() {
    if (!stream) return;
    if (video.readyState >= 2 && video.videoWidth) {
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      ctx.drawImage(video, 0, 0);
      var img = ctx.getImageData(0, 0, canvas.width, canvas.height);
      var qr = jsQR(img.data, img.width, img.height, { inversionAttempts: "dontInvert" });
      if (qr && qr.data && opt.found(qr.data, say)) {
        stop();
        return;
      }
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
      say(opt.aim);
      requestAnimationFrame(tick);
    }, function (err) {
      start.hidden = false;
      if (err && (err.name === "NotAllowedError" || err.name === "SecurityError")) return typeInstead(opt.denied);
      // A browser without a camera may report the missing device before the refused
      // permission; the permission's state says which it was.
      if (!navigator.permissions || !navigator.permissions.query) return typeInstead(opt.missing);
      navigator.permissions.query({ name: "camera" }).then(function (p) {
        typeInstead(p.state === "denied" ? opt.denied : opt.missing);
      }, function () { typeInstead(opt.missing); });
    });
  }
  start.addEventListener("click", open);
  if (opt.openAtOnce) open();
  else {
    start.hidden = false;
    if (opt.hint) say(opt.hint);
  }
};
