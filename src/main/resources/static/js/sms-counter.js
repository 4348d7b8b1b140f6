// The SMS editor's counter: the encoding and parts the text will cost (as io.patron.sms.SmsText counts
// them), with each placeholder counted at the length of a sample value, updated as the marketer types.
(function () {
  var body = document.getElementById('sms-body');
  var out = document.getElementById('sms-count');
  if (!body || !out) { return; }
  var BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
  var EXTENSION = '\f^{}\\[~]|€';
  var SAMPLE = {code: '123456', points: '250', minutes: '5', name: 'Anna', card: '2000000000015', balance: '1250',
    tier: 'Gold', coupon: 'GIFT-7KQ2', link: 'https://patron.example/portal', extra: '2026-12-31'};
  function fill(text) {
    return text.replace(/\{\{\s*([a-z]+)\s*}}/g, function (m, name) { return SAMPLE[name] || ''; });
  }
  function septets(text) {
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (c !== '\u001b' && BASIC.indexOf(c) >= 0) { n++; } else if (EXTENSION.indexOf(c) >= 0) { n += 2; } else { return -1; }
    }
    return n;
  }
  function parts(units, single, per) { return units <= single ? 1 : Math.ceil(units / per); }
  function update() {
    var text = fill(body.value.replace(/\r\n/g, '\n').trim());
    var s = septets(text);
    var units = s >= 0 ? s : text.length;
    var count = s >= 0 ? parts(units, 160, 153) : parts(units, 70, 67);
    var encoding = s >= 0 ? out.getAttribute('data-gsm') : out.getAttribute('data-ucs');
    out.textContent = out.getAttribute('data-format').replace('{0}', units).replace('{1}', count).replace('{2}', encoding);
    out.classList.toggle('problem', count > 1);
  }
  body.addEventListener('input', update);
  update();
})();
