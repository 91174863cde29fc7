// changebook serve's live reload: the page reloads when a rebuild
// publishes a new version (keeping its scroll position), and while any
// record has errors an overlay lists them. Findings are shown as text,
// never as HTML. It is a script file of its own, and the overlay is
// styled through the CSSOM, never with style attributes, so that pages
// run it under their Content-Security-Policy (no inline script or style).
(() => {
  const script = document.currentScript;
  const version = script ? script.dataset.version : "";
  const scrollKey = "changebook-scroll:" + location.pathname;
  const saved = sessionStorage.getItem(scrollKey);
  if (saved !== null) {
    sessionStorage.removeItem(scrollKey);
    window.scrollTo(0, Number(saved));
  }

  const events = new EventSource("/_changebook/events");
  events.addEventListener("version", (e) => {
    if (e.data !== version) {
      sessionStorage.setItem(scrollKey, String(window.scrollY));
      location.reload();
    }
  });

  const el = (tag, cls, text) => {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  };

  fetch("/_changebook/findings.json")
    .then((r) => r.json())
    .then((findings) => {
      const errors = findings.filter((f) => f.severity === "error");
      const logged = "changebook-logged:" + version;
      if (findings.length && !sessionStorage.getItem(logged)) {
        sessionStorage.setItem(logged, "1");
        for (const f of findings) {
          (f.severity === "error" ? console.error : console.warn)(`${f.location}: ${f.severity}: ${f.message} [${f.rule}]`);
        }
      }
      if (!errors.length) return;
      const box = el("div", "changebook-overlay");
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;z-index:2147483647;" +
        "background:#2d0b0b;color:#ffe9e9;font:14px/1.5 ui-monospace,monospace;padding:12px 16px;" +
        "border-top:3px solid #ff6b6b;box-shadow:0 -4px 16px rgba(0,0,0,.4)";
      const head = el("div", "", `${errors.length} ${errors.length === 1 ? "error" : "errors"}: the site shows the last version that built.`);
      head.style.fontWeight = "bold";
      const close = el("button", "", "×");
      close.setAttribute("aria-label", "Hide");
      close.style.cssText = "float:right;background:none;border:0;color:inherit;font-size:20px;cursor:pointer";
      close.onclick = () => box.remove();
      box.append(close, head);
      const list = el("ul");
      list.style.cssText = "margin:8px 0 0;padding-left:18px";
      for (const f of errors) {
        const item = el("li");
        item.append(el("strong", "", f.location), ` ${f.message} [${f.rule}]`);
        if (f.hint) {
          const hint = el("div", "", "hint: " + f.hint);
          hint.style.opacity = ".8";
          item.append(hint);
        }
        list.append(item);
      }
      box.append(list);
      document.body.append(box);
    })
    .catch(() => {});
})();
