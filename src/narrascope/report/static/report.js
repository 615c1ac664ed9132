/* narrascope report: layer toggles, pages of documents, index filter, jump to evidence.
   Everything here is an enhancement: without JavaScript every document is shown in full,
   except in a report rendered with lazy pages (large corpora), where pages after the
   first are stored compressed (already escaped HTML) and materialize() opens them on
   demand. No document text passes through this script otherwise. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  // layer toggles
  var boxes = document.querySelectorAll("input[data-layer]");
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener("change", function (ev) {
      var box = ev.target;
      root.classList.toggle("hide-" + box.getAttribute("data-layer"), !box.checked);
    });
  }

  // pages of documents
  var pages = document.querySelectorAll("#documents .page");
  var pager = document.querySelector(".pager");
  var current = 0;
  var size = pager ? parseInt(pager.getAttribute("data-page-size"), 10) || 25 : 25;
  var done = Promise.resolve();

  // A lazy page holds its documents as base64 of raw-DEFLATEd HTML, written and escaped
  // by the report renderer; the first time the page is opened it is decompressed and
  // parsed like the rest of the page.
  function inflate(b64) {
    var bin = atob(b64.trim());
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).text();
  }
  function materialize(page) {
    var data = page.querySelector('script[type="text/x-narrascope-page"]');
    if (!data) return done;
    if (!page._loading) {
      page._loading = (typeof DecompressionStream === "undefined"
        ? Promise.reject(new Error("this browser has no DecompressionStream"))
        : inflate(data.textContent)
      ).then(function (html) {
        page.insertAdjacentHTML("beforeend", html);
        page.removeChild(data);
        var note = page.querySelector("noscript");
        if (note) page.removeChild(note);
        page.classList.remove("lazy");
      }, function (err) {
        var p = document.createElement("p");
        p.className = "warn";
        p.textContent = "This page could not be opened (" + err.message + "). Render the " +
          "report with --no-lazy to read it in this browser.";
        page.appendChild(p);
      });
    }
    return page._loading;
  }
  function show(k) {
    if (!pages.length) return done;
    k = Math.max(0, Math.min(pages.length - 1, k));
    for (var j = 0; j < pages.length; j++) {
      if (j === k) pages[j].removeAttribute("hidden");
      else pages[j].setAttribute("hidden", "");
    }
    current = k;
    return materialize(pages[k]).then(function () {
      if (!pager) return;
      var sel = pager.querySelector("select");
      if (sel) sel.value = String(k);
      var n = pages[k].querySelectorAll("article.doc").length;
      pager.querySelector(".pager-info").textContent =
        "documents " + (k * size + 1) + "\u2013" + (k * size + n) + ", page " + (k + 1) + " of " + pages.length;
      pager.querySelector("[data-go=prev]").disabled = k === 0;
      pager.querySelector("[data-go=next]").disabled = k === pages.length - 1;
    });
  }
  if (pager) {
    if (pages.length < 2) {
      pager.classList.remove("js-only");
      pager.style.display = "none";
    }
    var select = pager.querySelector("select");
    for (var p = 0; p < pages.length; p++) {
      var opt = document.createElement("option");
      opt.value = String(p);
      opt.textContent = String(p + 1);
      select.appendChild(opt);
    }
    select.addEventListener("change", function () { show(parseInt(select.value, 10)).then(top); });
    pager.querySelector("[data-go=prev]").addEventListener("click", function () { show(current - 1).then(top); });
    pager.querySelector("[data-go=next]").addEventListener("click", function () { show(current + 1).then(top); });
  }
  function top() {
    var docs = document.getElementById("documents");
    if (docs) docs.scrollIntoView();
  }

  // find an element by id, opening the page that holds it first (ids start with the
  // document number: doc-N, dN-...)
  function find(id) {
    var n = /^(?:doc-|d)(\d+)(?:-|$)/.exec(id);
    var el = document.getElementById(id);
    var page = el ? el.closest(".page") : null;
    var k = page ? Array.prototype.indexOf.call(pages, page)
      : n ? Math.floor(parseInt(n[1], 10) / size) : -1;
    if (k < 0 || (page && !page.hasAttribute("hidden"))) return Promise.resolve(el);
    return show(k).then(function () { return document.getElementById(id); });
  }
  // jump to an anchor: open its page and any closed <details>, then focus it
  function reveal(id) {
    return find(id).then(function (el) {
      if (!el) return;
      for (var d = el.parentElement; d; d = d.parentElement) {
        if (d.tagName === "DETAILS") d.open = true;
      }
      el.scrollIntoView({ block: "center" });
      // move keyboard focus to the evidence, so reading and tabbing continue from there
      if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
      el.focus({ preventScroll: true });
      if (el.tagName === "MARK") {
        el.classList.add("flash");
        setTimeout(function () { el.classList.remove("flash"); }, 2500);
      }
    });
  }
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    return id ? reveal(id) : done;
  }
  window.addEventListener("hashchange", fromHash);

  // ?doc=N shows document N alone (for sharing one document, and for screenshots)
  var single = /[?&]doc=(\d+)/.exec(location.search);
  var start = single
    ? find("doc-" + single[1]).then(function (alone) {
        if (!alone) return;
        root.classList.add("single");
        var arts = document.querySelectorAll("article.doc");
        for (var a = 0; a < arts.length; a++) arts[a].hidden = arts[a] !== alone;
      })
    : show(0);
  start.then(fromHash).then(function () {
    root.setAttribute("data-ready-ms", String(Math.round(performance.now())));
  });

  // index filter
  var filter = document.getElementById("index-filter");
  var count = document.getElementById("index-count");
  if (filter) {
    var rows = document.querySelectorAll(".index-table tbody tr");
    var timer = null;
    filter.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = filter.value.trim().toLowerCase();
        var shown = 0;
        for (var r = 0; r < rows.length; r++) {
          var hit = !q || rows[r].textContent.toLowerCase().indexOf(q) >= 0;
          rows[r].hidden = !hit;
          if (hit) shown++;
        }
        count.textContent = q ? shown + " of " + rows.length + " documents" : "";
      }, 120);
    });
  }
})();
