// The map-free coordinate helper of the activity form: "使用我当前的位置" fills the
// latitude and longitude from the device (the browser asks the person first). Typing
// still works; without JS or geolocation the button stays hidden.
(function () {
  'use strict';
  var box = document.querySelector('[data-coords-helper]');
  if (!box || !navigator.geolocation) return;
  var button = box.querySelector('[data-coords-here]');
  var status = box.querySelector('[data-coords-status]');
  var lat = document.getElementById('lat');
  var lng = document.getElementById('lng');
  box.hidden = false;
  button.addEventListener('click', function () {
    status.textContent = '正在获取位置…';
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      status.textContent = '已填入当前位置（精度约 ' + Math.round(pos.coords.accuracy) + ' 米），可再修改。';
    }, function () {
      status.textContent = '无法获取位置（未允许定位或设备不支持），请手动填写坐标。';
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
