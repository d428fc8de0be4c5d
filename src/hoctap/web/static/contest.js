// hoctap's contest page: saves each answer the moment it is chosen, keeps the answers the
// network could not take (also across a reload) and sends them when it is back, and shows the
// server's countdown. Without this script every question is a form that saves on its button.
(function () {
  "use strict";
  var paper = document.getElementById("paper");
  if (!paper || !window.fetch || !window.FormData) { return; }
  document.documentElement.className += " js";
  var key = "hoctap-chua-luu-" + paper.getAttribute("data-attempt");
  var forms = Array.prototype.slice.call(paper.querySelectorAll("form.question"));
  var byName = {};
  var pending = {};
  var last = {};  // question -> its answer as last queued or saved (or as the page came)
  var sending = false;
  var network = document.getElementById("network");
  var stored = null;
  try { stored = JSON.parse(window.localStorage.getItem(key) || "{}"); } catch (e) { stored = {}; }

  function status(form, text, kind) {
    var span = form.querySelector(".status");
    span.textContent = text;
    span.className = "status" + (kind ? " " + kind : "");
  }
  function remember() {
    try { window.localStorage.setItem(key, JSON.stringify(pending)); } catch (e) { /* full or off */ }
  }
  function fields(form) {
    var pairs = [];
    var data = new FormData(form);
    data.forEach(function (value, name) { pairs.push([name, String(value)]); });
    return pairs;
  }
  function body(pairs) {
    return pairs.map(function (p) {
      return encodeURIComponent(p[0]) + "=" + encodeURIComponent(p[1]);
    }).join("&");
  }
  function setField(pairs, name, value) {
    return pairs.filter(function (p) { return p[0] !== name; }).concat([[name, value]]);
  }
  function answerOf(pairs) {
    return body(pairs.filter(function (p) { return /^(chon|ghep|tra_loi)$/.test(p[0]); }));
  }
  function offline(text) {
    network.textContent = text;
    network.hidden = !text;
  }

  function change(form) {
    // A typed answer says so twice (its field's change, then its button): send it once.
    var name = form.getAttribute("data-q");
    var answer = answerOf(fields(form));
    if (answer === last[name]) { send(); return; }
    last[name] = answer;
    var rev = parseInt(form.getAttribute("data-rev"), 10) + 1;
    form.setAttribute("data-rev", String(rev));
    var pairs = setField(fields(form), "rev", String(rev));
    pending[form.getAttribute("data-q")] = { rev: rev, fields: pairs };
    remember();
    status(form, "chưa lưu", "unsaved");
    send();
  }

  function send() {
    if (sending) { return; }
    var names = Object.keys(pending);
    if (!names.length) { offline(""); return; }
    sending = true;
    var name = names[0];
    var item = pending[name];
    var form = byName[name];
    var action = form ? form.getAttribute("action") : paper.getAttribute("data-result");
    fetch(action, {
      method: "POST", credentials: "same-origin", body: body(item.fields),
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Hoctap-Script": "1" }
    }).then(function (response) {
      return response.json().then(function (answer) { return [response.status, answer]; });
    }).then(function (got) {
      sending = false;
      var answer = got[1];
      var done = answer.ok || (answer.stale !== undefined && answer.stale >= item.rev);
      if (!done && got[0] >= 500) {
        // Not saved, but not refused either (the database or a worker is away for a moment):
        // keep the answer and send it again, as when the network is gone.
        if (form) { status(form, "chưa lưu: " + answer.message, "unsaved"); }
        offline(answer.message + " " + answer.hint + " Các câu “chưa lưu” sẽ tự gửi lại.");
        window.setTimeout(send, 3000);
        return;
      }
      // A stale page (403: its CSRF token is old) keeps the answer here for after a reload.
      if (pending[name] === item && (done || got[0] !== 403)) { delete pending[name]; remember(); }
      if (got[0] === 403) {
        if (form) { status(form, "chưa lưu", "unsaved"); }
        offline(answer.message + " " + answer.hint);
        return;
      }
      if (form && !pending[name]) {
        if (done) { status(form, "đã lưu lúc " + (answer.at || ""), "saved"); }
        else {
          delete last[name];  // refused: the same answer may be sent again
          status(form, "chưa lưu: " + answer.message + " " + answer.hint, "unsaved");
        }
      }
      if (!done && got[0] === 409 && /hết giờ|đã nộp/.test(answer.message || "")) {
        window.location.assign(paper.getAttribute("data-result"));
        return;
      }
      offline("");
      send();
    }).catch(function () {
      sending = false;
      if (form) { status(form, "chưa lưu", "unsaved"); }
      offline("Mất kết nối: các câu “chưa lưu” được giữ trên máy này và tự gửi khi có mạng lại.");
      window.setTimeout(send, 3000);
    });
  }

  forms.forEach(function (form) {
    byName[form.getAttribute("data-q")] = form;
    last[form.getAttribute("data-q")] = answerOf(fields(form));
    if (form.querySelector("input[type=radio], input[type=checkbox], select")) {
      form.className += " auto-save";
    }
    form.addEventListener("change", function () { change(form); });
    form.addEventListener("submit", function (event) { event.preventDefault(); change(form); });
  });

  // Answers kept from before a reload: put them back on the form and send them again.
  Object.keys(stored || {}).forEach(function (name) {
    var item = stored[name];
    var form = byName[name];
    if (!form || !item || !item.fields) { return; }
    if (item.rev <= parseInt(form.getAttribute("data-rev"), 10)) { return; }
    form.setAttribute("data-rev", String(item.rev));
    var values = item.fields.filter(function (p) { return /^(chon|ghep|tra_loi)$/.test(p[0]); });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = values.some(function (p) { return p[0] === el.name && p[1] === el.value; });
      }
    });
    var selects = form.querySelectorAll("select, input[name=tra_loi]");
    var texts = values.filter(function (p) { return p[0] === "ghep" || p[0] === "tra_loi"; });
    Array.prototype.forEach.call(selects, function (el, i) { if (texts[i]) { el.value = texts[i][1]; } });
    var xsrf = form.querySelector("input[name=_xsrf]").value;
    pending[name] = { rev: item.rev, fields: setField(item.fields, "_xsrf", xsrf) };
    last[name] = answerOf(fields(form));
    status(form, "chưa lưu", "unsaved");
  });
  remember();
  window.addEventListener("online", send);
  send();

  // One question per screen, when the contest says so.
  if (paper.getAttribute("data-one")) {
    var at = Math.max(0, forms.indexOf(document.getElementById(location.hash.slice(1))));
    var steps = paper.querySelector(".steps");
    var back = document.getElementById("back");
    var forward = document.getElementById("forward");
    var show = function (moved) {
      forms.forEach(function (form, i) { form.hidden = i !== at; });
      back.disabled = at === 0;
      forward.disabled = at === forms.length - 1;
      if (moved) {
        // Focus follows the step: the new question's text is read out, and Tab goes on to its
        // options (not past the end of the page, as from the button of a hidden question).
        var legend = forms[at].querySelector("legend");
        legend.setAttribute("tabindex", "-1");
        legend.focus();
      }
    };
    steps.hidden = false;
    back.addEventListener("click", function () { at = Math.max(0, at - 1); show(true); });
    forward.addEventListener("click", function () { at = Math.min(forms.length - 1, at + 1); show(true); });
    show(false);
  }

  // The server's clock: the time left when the page was made, counted down here.
  var clock = document.getElementById("clock");
  var end = Date.now() + 1000 * parseInt(paper.getAttribute("data-left"), 10);
  var tick = function () {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var m = Math.floor(left / 60), s = left % 60;
    clock.textContent = (m < 10 ? "0" : "") + m + ":" + (s < 10 ? "0" : "") + s;
    if (left === 0) { window.location.assign(paper.getAttribute("data-result")); return; }
    window.setTimeout(tick, 1000);
  };
  tick();

  document.getElementById("hand-in").addEventListener("click", function (event) {
    var left = Object.keys(pending).length;
    if (left) {
      event.preventDefault();
      offline("Còn " + left + " câu chưa lưu: chờ có mạng để lưu rồi hãy nộp bài.");
      send();
    }
  });
}());
