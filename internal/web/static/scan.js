// The gate's camera (/partner/scan, camera.js): what it reads goes into the text box and
// the check is submitted. A volunteer card's QR (its /verify/card/ address) and a
// redemption code are both accepted; the server tells them apart. The camera opens on a
// tap: staff often type or paste instead.
(function () {
  var input = document.getElementById("payload");
  if (!input || !window.zhiyuanCamera) return;
  zhiyuanCamera({
    input: input,
    unsupported: "此浏览器无法使用相机扫码，请输入或粘贴二维码内容。",
    aim: "请把志愿者证或核销码的二维码放进取景框。",
    denied: "未获得相机权限，请输入或粘贴二维码内容。",
    missing: "未找到可用的相机，请输入或粘贴二维码内容。",
    hint: "点“打开相机扫码”，或在下方输入二维码内容。",
    found: function (text, say) {
      input.value = text;
      say("已读取，正在核验…");
      input.form.submit();
      return true;
    }
  });
})();
