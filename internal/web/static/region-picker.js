// Cascading region selects (partial_region.html): choosing a region fills the next
// select from GET /api/v1/regions?parent=, so the 选择 button, the way without JS, is
// hidden. On any failure the button comes back and the form works as without JS.
(function () {
  'use strict';
  var order = { province: 1, city: 2, county: 3, street: 4 };
  var labels = { province: '省', city: '市', county: '县(区)', street: '街道(镇)' };
  document.querySelectorAll('[data-region-picker]').forEach(function (box) {
    var field = box.getAttribute('data-field');
    var max = Number(box.getAttribute('data-max-level'));
    var button = box.querySelector('[data-region-pick]');
    var hint = box.querySelector('[data-region-hint]');
    // The button leaves the form while the script does its work, so that Enter in a
    // text field sends the form rather than a region choice.
    function manual(on) {
      if (button) {
        if (on && !button.isConnected) box.insertBefore(button, hint);
        if (!on) button.remove();
      }
      if (hint) hint.hidden = !on;
    }
    manual(false);
    box.addEventListener('change', function (e) {
      var sel = e.target;
      if (!sel.matches('select[data-depth]')) return;
      var depth = Number(sel.getAttribute('data-depth'));
      box.querySelectorAll('.picker-level').forEach(function (lv) {
        if (Number(lv.getAttribute('data-depth')) > depth) lv.remove();
      });
      if (!sel.value) return;
      var asked = sel.value;
      fetch('/api/v1/regions?parent=' + encodeURIComponent(asked), { headers: { Accept: 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (page) {
          var items = page.items || [];
          // A later choice has already replaced this one, or nothing lies below it here.
          if (sel.value !== asked || !items.length || order[items[0].level] > max) return;
          var name = field + '_' + (depth + 1);
          var label = labels[items[0].level] || '';
          var wrap = document.createElement('div');
          wrap.className = 'picker-level';
          wrap.setAttribute('data-depth', String(depth + 1));
          var lab = document.createElement('label');
          lab.htmlFor = name;
          lab.textContent = label;
          var next = document.createElement('select');
          next.id = name;
          next.name = name;
          next.setAttribute('data-depth', String(depth + 1));
          var none = document.createElement('option');
          none.value = '';
          none.textContent = '请选择' + label;
          next.appendChild(none);
          items.forEach(function (it) {
            var o = document.createElement('option');
            o.value = it.code;
            o.textContent = it.name;
            next.appendChild(o);
          });
          wrap.appendChild(lab);
          wrap.appendChild(next);
          box.insertBefore(wrap, hint);
        })
        .catch(function () { manual(true); });
    });
  });
})();
