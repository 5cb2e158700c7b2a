// juesuan serve: live reload over server-sent events, the outline, findings that show their place.
"use strict";
(function () {
  const body = document.body;
  const frame = document.getElementById("preview");
  const scrollKey = "juesuan-scroll:" + location.pathname;

  // the publication's document (before it loads, the frame holds an empty about:blank one)
  function frameDoc() {
    const doc = frame && frame.contentDocument;
    return doc && doc.body && doc.URL === "about:srcdoc" ? doc : null;
  }

  // Pages: the print stylesheet's page breaks and landscape pages, drawn as sheets of paper on screen.
  function markPages(doc) {
    const view = doc.defaultView;
    const blocks = doc.body.querySelectorAll("section, nav, div, h1, h2, table, figure");
    blocks.forEach(function (el) {
      if (el.closest("table") && el.tagName !== "TABLE") return;
      const style = view.getComputedStyle(el);
      const previous = el.previousElementSibling;
      const after = previous ? view.getComputedStyle(previous).breakAfter : "";
      if (style.breakBefore === "page" || after === "page") el.classList.add("js-page-start");
      if ((style.page && style.page.indexOf("landscape") >= 0)) {
        if (!el.parentElement.closest(".js-landscape")) el.classList.add("js-landscape");
      }
    });
  }

  // The widest sheet (a landscape page) fits the frame: zoom out rather than scroll sideways.
  function fitWidth(doc) {
    let widest = doc.body.offsetWidth;
    doc.querySelectorAll(".js-landscape").forEach(function (el) { widest = Math.max(widest, el.offsetWidth); });
    const zoom = Math.min(1, (frame.clientWidth - 32) / widest);
    doc.documentElement.style.zoom = zoom < 1 ? zoom.toFixed(3) : "";
  }

  function restoreScroll(doc) {
    const saved = sessionStorage.getItem(scrollKey);
    if (saved !== null) {
      doc.defaultView.scrollTo(0, parseInt(saved, 10) || 0);
      sessionStorage.removeItem(scrollKey);
    }
  }

  function saveScroll() {
    const doc = frameDoc();
    if (doc) sessionStorage.setItem(scrollKey, String(Math.round(doc.defaultView.scrollY)));
  }

  function ready() {
    const doc = frameDoc();
    if (!doc) return;
    markPages(doc);
    fitWidth(doc);
    restoreScroll(doc);
    body.classList.add("preview-ready");
  }

  if (frame) {
    frame.addEventListener("load", ready);
    window.addEventListener("resize", function () { const doc = frameDoc(); if (doc) fitWidth(doc); });
    if (frameDoc() && frame.contentDocument.readyState === "complete") ready();
  }

  function show(doc, elements) {
    doc.querySelectorAll(".js-current").forEach(function (el) { el.classList.remove("js-current"); });
    elements.forEach(function (el) { el.classList.add("js-current"); });
    // one place: in the middle; several (the two figures a finding compares): from the first one down
    if (elements.length > 1) {
      elements[0].scrollIntoView({block: "start"});
      doc.defaultView.scrollBy(0, -120);
    } else if (elements.length) {
      elements[0].scrollIntoView({block: "center"});
    }
  }

  document.addEventListener("click", function (event) {
    const doc = frameDoc();
    const link = event.target.closest("a[data-target]");
    if (link && doc) {
      event.preventDefault();
      const target = doc.getElementById(link.dataset.target);
      if (target) target.scrollIntoView({block: "start"});
      return;
    }
    const item = event.target.closest("a.finding[data-finding]");
    if (item && doc) {
      event.preventDefault();
      document.querySelectorAll("a.finding.active").forEach(function (b) { b.classList.remove("active"); });
      item.classList.add("active");
      const marked = Array.from(doc.querySelectorAll("[data-finding]")).filter(function (el) {
        return el.getAttribute("data-finding").split(" ").indexOf(item.dataset.finding) >= 0;
      });
      show(doc, marked);
    }
  });

  // Live reload: a finished build (good or failed) reloads the page; a running one shows the banner.
  if (body.dataset.events && window.EventSource) {
    const banner = document.getElementById("building");
    const source = new EventSource(body.dataset.events);
    source.onmessage = function (event) {
      const state = JSON.parse(event.data);
      if (banner) banner.hidden = !state.building;
      body.dataset.building = state.building ? "yes" : "no";
      if (state.instance !== body.dataset.instance || String(state.generation) !== body.dataset.generation) {
        if (!state.building || state.instance !== body.dataset.instance) {
          source.close();
          saveScroll();
          location.reload();
        }
      }
    };
  }
})();
