// nearme.js: the search page's "使用我的位置" button. Progressive: without JavaScript
// (or without geolocation) the button stays hidden and latitude,longitude can be typed
// into the 我的位置 field. With it, the browser's position fills that field, the results
// sort by distance and the form is sent. A refused or failed request leaves the form as
// it was, with a short message beside the button.
(function () {
  'use strict';
  var button = document.querySelector('[data-near-me]');
  if (!button || !('geolocation' in navigator)) return;
  var form = button.form;
  var wrap = button.parentNode;
  var status = wrap.querySelector('.near-status');
  wrap.hidden = false;
  button.addEventListener('click', function () {
    status.textContent = '正在获取位置…';
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.elements.near.value = pos.coords.latitude.toFixed(5) + ',' + pos.coords.longitude.toFixed(5);
      form.elements.sort.value = 'distance';
      status.textContent = '';
      form.submit();
    }, function (err) {
      button.disabled = false;
      status.textContent = err.code === 1
        ? '未获得定位权限，可在上面手动填写纬度,经度。'
        : '暂时无法获取位置，可在上面手动填写纬度,经度。';
    }, { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 });
  });
})();
