// Live alerts and duty pages: `#live[data-live]` names the pulse to poll
// (`/alerts/pulse`, a few bytes). Every 15 s it asks; when the alerts
// waiting change it fetches the page again and swaps the live part (unless
// the user is typing in it — then a notice offers to refresh), puts the
// count in the tab's title and, on a newer alert, rings the bell if the user
// switched it on (browsers allow sound only after a tap; the choice is kept
// on the device). One request at a time; a failed poll waits for the next.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !live.getAttribute("data-live")) return;
  var url = live.getAttribute("data-live");
  var latest = Number(live.getAttribute("data-latest") || 0);
  var unhandled = Number(live.getAttribute("data-unhandled") || 0);
  var bare = document.title.replace(/^\(\d+\) /, "");
  var bell = document.getElementById("bell");
  var fresh = document.getElementById("live-new");
  var audio = null;
  var ringing = false;

  function setBell(on) {
    ringing = on;
    if (!bell) return;
    bell.setAttribute("aria-pressed", on ? "true" : "false");
    bell.textContent = bell.getAttribute(on ? "data-on" : "data-off");
  }
  function ring() {
    if (!ringing || !audio) return;
    try {
      if (audio.state === "suspended") audio.resume();
      // Three short beeps, loud enough for a duty phone on a table.
      for (var i = 0; i < 3; i++) {
        var o = audio.createOscillator();
        var g = audio.createGain();
        o.type = "square";
        o.frequency.value = 880;
        g.gain.value = 0.25;
        o.connect(g);
        g.connect(audio.destination);
        var t = audio.currentTime + i * 0.35;
        o.start(t);
        o.stop(t + 0.2);
      }
    } catch (e) {
      /* no sound on this device */
    }
  }
  if (bell) {
    bell.hidden = false;
    setBell(false);
    // Switched on before: on again, sounding from the first tap or key on
    // the page (a browser keeps sound off until then).
    var wanted = false;
    try {
      wanted = localStorage.getItem("pd-bell") === "1";
    } catch (e) {
      /* private mode */
    }
    var Ctx0 = window.AudioContext || window.webkitAudioContext;
    if (wanted && Ctx0) {
      audio = new Ctx0();
      setBell(true);
      var wake = function () {
        if (audio.state === "suspended") audio.resume();
      };
      document.addEventListener("pointerdown", wake, { once: true });
      document.addEventListener("keydown", wake, { once: true });
    }
    bell.addEventListener("click", function () {
      if (!audio) {
        var Ctx = window.AudioContext || window.webkitAudioContext;
        if (Ctx) audio = new Ctx();
      }
      setBell(!ringing);
      try {
        localStorage.setItem("pd-bell", ringing ? "1" : "0");
      } catch (e) {
        /* private mode */
      }
      if (ringing) ring();
    });
  }

  function typing() {
    var a = document.activeElement;
    return a && live.contains(a) && /^(INPUT|SELECT|TEXTAREA)$/.test(a.tagName);
  }
  function swap() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) {
        return r.ok ? r.text() : null;
      })
      .then(function (html) {
        if (!html) return;
        var doc = new DOMParser().parseFromString(html, "text/html");
        var next = doc.getElementById("live");
        if (!next) return;
        live.innerHTML = next.innerHTML;
        if (fresh) fresh.hidden = true;
      });
  }
  function tick() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.ok ? r.json() : null;
      })
      .then(function (p) {
        if (!p) return;
        document.title = (p.unhandled > 0 ? "(" + p.unhandled + ") " : "") + bare;
        var newer = (p.latest || 0) > latest;
        var changed = newer || p.unhandled !== unhandled;
        latest = Math.max(latest, p.latest || 0);
        unhandled = p.unhandled;
        if (newer) ring();
        if (!changed) return;
        if (typing()) {
          if (fresh) fresh.hidden = false;
          return;
        }
        return swap();
      })
      .catch(function () {
        /* offline: the next poll tries again */
      })
      .then(function () {
        window.setTimeout(tick, Number(live.getAttribute("data-every") || 15) * 1000);
      });
  }
  // The first look soon after loading, then every `data-every` seconds.
  window.setTimeout(tick, 2000);
})();
