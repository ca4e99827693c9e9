// Yaoyun first-party analytics, ES5 for old WeChat webviews. Without consent: no cookie, no id.
(function (w, d, n, loc) {
  var me = d.currentScript || d.querySelector("script[data-endpoint]");
  if (!me) return;
  var endpoint = me.getAttribute("data-endpoint"), pageId = +me.getAttribute("data-page");
  var ask = me.getAttribute("data-consent") == "ask" && !(n.doNotTrack == "1" ||
    w.doNotTrack == "1" || n.msDoNotTrack == "1" || n.globalPrivacyControl === true);
  var c = w.crypto, pv = uuid(), queue = [], inflight, backoff = 0, timer, vid;
  var shown = visible(), last = Date.now(), lastInput = last; // the load counts as an interaction
  var active = 0, sent = -1, depth = 0, marks = [25, 50, 75, 100];

  function on(el, type, fn, options) { if (el) el.addEventListener(type, fn, options); }
  function reveal(el) { if (el) el.removeAttribute("hidden"); }
  function byId(id) { return d.getElementById(id); }
  function clip(url) { return url.slice(0, 2048); }
  function byte() {
    try { return c.getRandomValues(new Uint8Array(1))[0]; } catch (e) { return (Math.random() * 256) | 0; }
  }
  function uuid() {
    if (c && c.randomUUID) return c.randomUUID();
    return "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (x) {
      return (x ^ (byte() & (15 >> (x / 4)))).toString(16);
    });
  }
  function mint() {
    for (var s = "", x; s.length < 12; s += String.fromCharCode(x + (x < 10 ? 48 : x < 36 ? 55 : 61))) {
      x = byte() % 62;
    }
    return s;
  }
  function cookie(name) { return (d.cookie.match("(^|; )" + name + "=([^;]*)") || [])[2] || ""; }
  function setCookie(name, value, days) {
    d.cookie = name + "=" + value + ";path=/;SameSite=Lax;max-age=" + days * 86400 +
      (loc.protocol == "https:" ? ";Secure" : "");
  }
  function remember() {
    vid = cookie("yy_vid");
    if (!/^[\w-]{8,64}$/.test(vid)) setCookie("yy_vid", (vid = uuid()), 365);
  }

  function track(type, e) {
    e.type = type;
    e.url = clip(loc.href);
    if (e.event_id != pv) {
      e.event_id = uuid();
      e.pageview_id = pv;
    }
    if (pageId > 0) e.page_id = pageId;
    if (vid) e.visitor_id = vid;
    queue.push(e);
    if (!timer) timer = setTimeout(flush, type == "pageview" ? 0 : 2000);
  }
  function take() {
    for (var size = 2, i = 0; i < queue.length && i < 100; i++) {
      size += JSON.stringify(queue[i]).length + 1;
      if (size > 16384 && i) break;
    }
    return queue.splice(0, i);
  }
  function post(batch, done) {
    var x = new XMLHttpRequest();
    x.open("POST", endpoint, !!done);
    x.onreadystatechange = function () { if (x.readyState == 4 && done) done(x.status); };
    x.send(JSON.stringify(batch));
  }
  function flush() {
    timer = 0;
    if (inflight || !queue.length) return;
    var batch = (inflight = take());
    post(batch, function (status) {
      if (inflight != batch) return; // a beacon took it over
      inflight = 0;
      if (!status || status == 429 || status > 499) {
        queue = batch.concat(queue); // safe to resend: event_id is unique
        backoff = Math.min(backoff * 2 || 2000, 60000);
        if (!timer) timer = setTimeout(flush, backoff);
      } else {
        backoff = 0; // stored, or a 4xx: never retried
        flush();
      }
    });
  }
  function beacon() {
    for (var batch; queue.length; ) {
      batch = take();
      if (!(n.sendBeacon && n.sendBeacon(endpoint, JSON.stringify(batch)))) {
        try { post(batch); } catch (e) {}
      }
    }
  }

  function visible() { return !d.visibilityState || d.visibilityState == "visible"; }
  function tick() {
    var t = Date.now(); // a timer 5 s late: the page was frozen or asleep, not read
    if (shown) active += Math.max(0, Math.min(t, lastInput + 30000, last + 5000) - last);
    last = t;
  }
  function engagement() {
    if (active != sent) track("engagement", { engaged_ms: (sent = active), scroll_pct: depth });
  }
  function measure() {
    var seen = (w.pageYOffset + w.innerHeight) / d.documentElement.scrollHeight;
    depth = Math.max(depth, Math.min(100, Math.round(seen * 100)));
    while (marks[0] <= depth) track("scroll", { scroll_pct: marks.shift() });
  }
  function interacted(e) {
    tick();
    lastInput = last;
    if (e.type == "scroll") measure();
  }
  function changed(e) {
    tick();
    shown = e.type != "pagehide" && visible();
    if (shown) return;
    engagement();
    if (e.type == "pagehide" && inflight) {
      queue = inflight.concat(queue); // unloading may cancel it
      inflight = 0;
    }
    beacon();
  }
  function clicked(e) {
    for (var a = e.target; a && !/^https?:/.test(a.href); a = a.parentNode);
    if (!a) return;
    var file = a.getAttribute("data-track") == "download" || /^\/?documents\/|\.pdf$/i.test(a.pathname);
    if (file || a.hostname != loc.hostname) track(file ? "download" : "click", { target: clip(a.href) });
  }

  function consent() {
    var banner = byId("yy-consent"), choice = cookie("yy_consent");
    if (choice == "1") remember();
    if (choice) return;
    reveal(banner);
    on(banner, "click", function (e) {
      var yes = e.target.getAttribute("data-choice");
      if (!yes) return;
      setCookie("yy_consent", yes, yes == "1" ? 365 : 180);
      if (yes == "1") remember();
      banner.setAttribute("hidden", "");
    });
  }
  function sharing() {
    var input = byId("share-url"), copy = byId("share-copy"), qr = byId("share-qr");
    var img = qr && qr.querySelector("img"), qrSrc = img && img.getAttribute("src") + "?s=";
    if (!input) return;
    var base = input.value.replace(/[?#].*/, "") + "?s=";
    function offer(el, type, method, act) {
      on(el, type, function () {
        if (el.open === false) return; // QR code closed
        var token = mint();
        track("share", { share_token: token, method: method }); // before act() edits the URL
        act(token);
      });
    }
    function copyCommand() { try { d.execCommand("copy"); } catch (e) {} }
    reveal(copy);
    offer(copy, "click", "copy", function (token) {
      input.value = base + token;
      input.select();
      if (n.clipboard) n.clipboard.writeText(input.value).then(null, copyCommand);
      else copyCommand();
      copy.textContent = "\u2714";
    });
    offer(qr, "toggle", "qr", function (token) {
      img.src = qrSrc + token;
    });
    if (n.share) reveal(byId("share-native"));
    offer(byId("share-native"), "click", "native", function (token) {
      n.share({ title: d.title, url: base + token }).then(null, function () {});
    });
    if (/MicroMessenger/.test(n.userAgent)) reveal(byId("share-wechat"));
    offer(byId("share-wechat"), "click", "wechat", function (token) {
      w.history.replaceState(w.history.state, "", loc.pathname + "?s=" + token);
      reveal(byId("share-hint"));
    });
  }

  if (ask) consent();
  track("pageview", {
    event_id: pv,
    referrer: /^https?:\/\//.test(d.referrer) ? clip(d.referrer) : "",
    share_token: (/[?&]s=([\w-]{6,32})(&|$)/.exec(loc.search) || [])[1] // undefined: omitted
  });
  var inputs = "scroll mousemove mousedown keydown touchstart wheel".split(" ");
  for (var i = 0; i < 6; i++) on(w, inputs[i], interacted, { passive: true, capture: true });
  on(d, "visibilitychange", changed);
  on(w, "pagehide", changed);
  on(w, "online", flush);
  on(d, "click", clicked, true);
  on(d, "auxclick", clicked, true);
  on(w, "load", measure);
  setInterval(function () {
    tick();
    if (active - sent >= 15000) engagement();
  }, 1000);
  sharing();
})(window, document, navigator, location);
