/* A demo page or embedded widget: read the form, start a run through the API, poll it, draw the result.
 *
 * Config comes from the page (<script id="demo-config" type="application/json">). The parameters are
 * mirrored into the address bar so the page can be shared; the run is started with
 * POST {runsUrl} {"params": {...}} and followed with GET {run.url} until it is done or failed; the
 * result is drawn by window.DemoRenderers[slug](el, result, {lang, params, viz: window.DemoViz}).
 */
(function () {
  "use strict";

  var POLL_MS = 250;
  var POLL_MAX_MS = 2000; // back off while a run waits in the queue
  var cfgNode = document.getElementById("demo-config");
  if (!cfgNode) return;
  var cfg = JSON.parse(cfgNode.textContent);
  var t = cfg.text || {};
  var form = document.querySelector(".demo-form");
  var button = form.querySelector("[data-testid=run-button]");
  var formError = form.querySelector("[data-testid=form-error]");
  var progressBox = document.querySelector("[data-testid=progress]");
  var bar = document.querySelector("[data-testid=progress-bar]");
  var statusText = document.querySelector("[data-testid=run-status]");
  var resultEl = document.querySelector("[data-testid=demo-result]");
  var embedCode = document.querySelector("[data-testid=embed-code]");
  var shareLink = document.querySelector("[data-testid=share-link]");
  var current = 0; // generation counter: a newer run makes older polls stop

  function fmt(s, vars) {
    return String(s || "").replace(/\{(\w+)\}/g, function (_, k) { return vars[k]; });
  }

  function readParams() {
    var params = {};
    form.querySelectorAll("[data-type]").forEach(function (input) {
      var type = input.getAttribute("data-type");
      if (type === "bool") params[input.name] = input.checked;
      else if (type === "int" || type === "float") params[input.name] = input.value === "" ? input.value : Number(input.value);
      else params[input.name] = input.value;
    });
    return params;
  }

  function queryString(params) {
    var q = new URLSearchParams();
    if (cfg.embed) q.set("lang", cfg.lang);
    Object.keys(params).forEach(function (k) {
      if (String(params[k]) !== String(cfg.defaults[k])) q.set(k, String(params[k]));
    });
    var s = q.toString();
    return s ? "?" + s : "";
  }

  function syncUrls(params) {
    var qs = queryString(params);
    history.replaceState(null, "", window.location.pathname + qs);
    var pageQs = cfg.embed ? qs.replace(/^\?lang=\w+&?/, "?").replace(/^\?$/, "") : qs;
    var pageUrl = window.location.origin + cfg.pagePath + pageQs;
    if (shareLink) shareLink.href = pageUrl;
    if (embedCode) {
      var q = new URLSearchParams(pageQs.slice(1));
      q.set("lang", cfg.lang);
      var src = window.location.origin + cfg.embedPath + "?" + q.toString();
      var title = document.querySelector("h1") ? document.querySelector("h1").textContent : "";
      embedCode.value =
        '<iframe src="' + src.replace(/"/g, "&quot;") + '" width="' + cfg.embedWidth + '" height="' +
        cfg.embedHeight + '" title="' + title.replace(/"/g, "&quot;") +
        '" style="border:0;max-width:100%" loading="lazy"></iframe>';
    }
  }

  function clearErrors() {
    formError.textContent = "";
    form.querySelectorAll("[data-error-for]").forEach(function (e) { e.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
  }

  function showFieldErrors(fields) {
    Object.keys(fields || {}).forEach(function (name) {
      var slot = form.querySelector('[data-error-for="' + name + '"]');
      var input = form.querySelector('[name="' + name + '"]');
      if (slot) slot.textContent = [].concat(fields[name]).join(" ");
      if (input) input.setAttribute("aria-invalid", "true");
    });
    formError.textContent = t.fix_fields;
  }

  function setProgress(run) {
    progressBox.hidden = false;
    bar.value = run.progress || 0;
    var label = { queued: t.queued, running: t.running, done: t.done, failed: t.failed }[run.status] || run.status;
    statusText.textContent = label + (run.status === "running" && run.message ? " — " + run.message : "") +
      (run.status === "running" || run.status === "queued" ? " (" + (run.progress || 0) + " %)" : "") +
      (run.cached ? " · " + t.cached : "");
    progressBox.setAttribute("data-status", run.status);
  }

  function render(run) {
    resultEl.innerHTML = "";
    resultEl.setAttribute("data-state", run.status);
    if (run.status === "failed") {
      var p = document.createElement("p");
      p.className = "notice";
      p.setAttribute("role", "alert");
      p.textContent = run.error || t.failed;
      resultEl.appendChild(p);
      return;
    }
    var renderer = (window.DemoRenderers || {})[cfg.slug];
    var ctx = { lang: cfg.lang, params: run.params, viz: window.DemoViz };
    if (typeof renderer === "function") {
      try {
        renderer(resultEl, run.result, ctx);
        return;
      } catch (err) {
        if (window.console) console.error(err);
      }
    }
    window.DemoViz.note(resultEl, t.no_renderer);
    var pre = document.createElement("pre");
    pre.textContent = JSON.stringify(run.result, null, 2);
    resultEl.appendChild(pre);
  }

  function finish() {
    button.disabled = false;
    button.textContent = t.run;
  }

  function poll(run, generation, delay) {
    if (generation !== current) return;
    setProgress(run);
    if (run.status === "done" || run.status === "failed") {
      render(run);
      finish();
      return;
    }
    setTimeout(function () {
      fetch(run.url, { headers: { Accept: "application/json" }, credentials: "omit", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(function (next) {
          var wait = next.status === "queued" ? Math.min(POLL_MAX_MS, delay * 1.5) : POLL_MS;
          poll(next, generation, wait);
        })
        .catch(function () { poll(run, generation, Math.min(POLL_MAX_MS, delay * 2)); });
    }, delay);
  }

  function start() {
    clearErrors();
    var params = readParams();
    syncUrls(params);
    var generation = ++current;
    // The previous result stays visible, dimmed, until the new one replaces it.
    resultEl.setAttribute("data-state", "pending");
    button.disabled = true;
    button.textContent = t.running;
    setProgress({ status: "queued", progress: 0 });
    fetch(cfg.runsUrl, {
      method: "POST",
      credentials: "omit", // anonymous: works the same inside a third-party iframe
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Demo-Embed": cfg.embed ? "1" : "0" },
      body: JSON.stringify({ params: params }),
    })
      .then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body, headers: r.headers }; });
      })
      .then(function (res) {
        if (res.status === 201) return poll(res.body, generation, POLL_MS);
        progressBox.hidden = true;
        resultEl.setAttribute("data-state", resultEl.querySelector(".viz, pre") ? "done" : "empty");
        finish();
        if (res.status === 400 && res.body.fields) return showFieldErrors(res.body.fields);
        var retry = res.headers.get("Retry-After");
        formError.textContent = (res.body.error || res.status) + (retry ? " " + fmt(t.retry_in, { s: retry }) : "");
      })
      .catch(function () {
        progressBox.hidden = true;
        resultEl.setAttribute("data-state", resultEl.querySelector(".viz, pre") ? "done" : "empty");
        finish();
        formError.textContent = t.network;
      });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    start();
  });
  form.addEventListener("change", function () { syncUrls(readParams()); });
  if (cfg.autorun) start();
})();
