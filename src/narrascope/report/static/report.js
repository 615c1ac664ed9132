/* narrascope report: layer toggles, pages of documents, index filter, jump to evidence.
   Everything here is an enhancement: without JavaScript every document is shown in full,
   except in a report rendered with lazy pages (large corpora), where pages after the
   first are stored as inert, already escaped HTML that materialize() inserts on demand.
   No document text ever passes through this script otherwise. */
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
  // a lazy page keeps its documents as inert text (escaped HTML written by the report
  // renderer) until it is first opened; then the browser parses it like any other HTML
  function materialize(page) {
    var data = page.querySelector('script[type="text/x-narrascope-page"]');
    if (!data) return;
    page.insertAdjacentHTML("beforeend", data.textContent);
    page.removeChild(data);
    var note = page.querySelector("noscript");
    if (note) page.removeChild(note);
    page.classList.remove("lazy");
  }
  function show(k) {
    if (!pages.length) return;
    k = Math.max(0, Math.min(pages.length - 1, k));
    materialize(pages[k]);
    for (var j = 0; j < pages.length; j++) {
      if (j === k) pages[j].removeAttribute("hidden");
      else pages[j].setAttribute("hidden", "");
    }
    current = k;
    if (pager) {
      var sel = pager.querySelector("select");
      if (sel) sel.value = String(k);
      var n = pages[k].querySelectorAll("article.doc").length;
      pager.querySelector(".pager-info").textContent =
        "documents " + (k * size + 1) + "\u2013" + (k * size + n) + ", page " + (k + 1) + " of " + pages.length;
      pager.querySelector("[data-go=prev]").disabled = k === 0;
      pager.querySelector("[data-go=next]").disabled = k === pages.length - 1;
    }
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
    select.addEventListener("change", function () { show(parseInt(select.value, 10)); top(); });
    pager.querySelector("[data-go=prev]").addEventListener("click", function () { show(current - 1); top(); });
    pager.querySelector("[data-go=next]").addEventListener("click", function () { show(current + 1); top(); });
  }
  function top() {
    var docs = document.getElementById("documents");
    if (docs) docs.scrollIntoView();
  }

  // jump to an anchor: open its page and any closed <details>, then focus it
  function find(id) {
    var el = document.getElementById(id);
    var n = el ? null : /^(?:doc-|d)(\d+)(?:-|$)/.exec(id);
    if (n) {  // an anchor inside a page not opened yet
      show(Math.floor(parseInt(n[1], 10) / size));
      el = document.getElementById(id);
    }
    return el;
  }
  function reveal(id) {
    if (!id) return;
    var el = find(id);
    if (!el) return;
    var page = el.closest ? el.closest(".page") : null;
    if (page && page.hasAttribute("hidden")) {
      for (var j = 0; j < pages.length; j++) if (pages[j] === page) show(j);
    }
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
  }
  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (id) reveal(id);
  }
  window.addEventListener("hashchange", fromHash);
  show(0);
  // ?doc=N shows document N alone (for sharing one document, and for screenshots)
  var single = /[?&]doc=(\d+)/.exec(location.search);
  var alone = single ? find("doc-" + single[1]) : null;
  if (alone) {
    root.classList.add("single");
    var arts = document.querySelectorAll("article.doc");
    for (var a = 0; a < arts.length; a++) arts[a].hidden = arts[a] !== alone;
    var pg = alone.closest(".page");
    for (var j = 0; j < pages.length; j++) if (pages[j] === pg) show(j);
  }
  fromHash();
  root.setAttribute("data-ready-ms", String(Math.round(performance.now())));

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
