// The gate's camera (/partner/scan): opens the back camera and reads a QR code with jsQR
// (vendor, loaded on this page only), puts what it read into the text box and submits the
// check. A volunteer card's QR (its /verify/card/ address) and a redemption code are both
// accepted; the server tells them apart. Without a camera, permission or jsQR, a short
// message says so and the text box takes typed or pasted codes the same way.
(function () {
  var box = document.querySelector("[data-scan]");
  var input = document.getElementById("payload");
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
    typeInstead("此浏览器无法使用相机扫码，请输入或粘贴二维码内容。");
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
      if (qr && qr.data) {
        stop();
        input.value = qr.data;
        say("已读取，正在核验…");
        input.form.submit();
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
      say("请把志愿者证或核销码的二维码放进取景框。");
      requestAnimationFrame(tick);
    }, function () {
      start.hidden = false;
      typeInstead("未能打开相机，请输入或粘贴二维码内容。");
    });
  }
  start.addEventListener("click", open);
  start.hidden = false;
  say("点“打开相机扫码”，或在下方输入二维码内容。");
})();
