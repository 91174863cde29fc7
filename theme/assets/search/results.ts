// One result of a search, as the header's dropdown and the search page
// show it: id, title, badges, systems, and a snippet that fills in when
// the record's page arrives.
import type { Doc } from "./engine";
import { fillSnippet, markText } from "./snippet";

function badge(kind: string, value: string): HTMLElement {
  const span = document.createElement("span");
  span.className = `badge ${kind}-${value}`;
  span.textContent = value;
  return span;
}

export function resultContent(doc: Doc, root: string, marks: string[], withSnippet: boolean): HTMLAnchorElement {
  const a = document.createElement("a");
  a.className = "result";
  a.href = root + doc.path;
  const head = document.createElement("span");
  head.className = "result-head";
  const id = document.createElement("span");
  id.className = "id";
  id.textContent = doc.id;
  const title = document.createElement("span");
  title.className = "result-title";
  markText(title, doc.title, marks);
  head.append(id, " ", title);
  const meta = document.createElement("span");
  meta.className = "result-meta";
  meta.append(badge("status", doc.status), " ", badge("type", doc.type));
  if (doc.level) meta.append(" ", badge("level", doc.level));
  if (doc.systems.length) {
    const systems = document.createElement("span");
    systems.className = "muted";
    systems.textContent = " " + doc.systems.join(", ");
    meta.append(systems);
  }
  a.append(head, meta);
  if (withSnippet) {
    const snippet = document.createElement("span");
    snippet.className = "snippet";
    a.append(snippet);
    whenVisible(a, () => void fillSnippet(snippet, a.href, marks));
  }
  return a;
}

// Snippets cost a fetch of the record's page each: only results that are
// on screen (or about to be) ask for theirs.
const pending = new WeakMap<Element, () => void>();
const observer =
  typeof IntersectionObserver === "undefined"
    ? null
    : new IntersectionObserver(
        (entries) => {
          for (const e of entries) {
            if (!e.isIntersecting) continue;
            observer?.unobserve(e.target);
            pending.get(e.target)?.();
            pending.delete(e.target);
          }
        },
        { rootMargin: "200px" },
      );

function whenVisible(el: Element, fn: () => void): void {
  if (!observer) {
    fn();
    return;
  }
  pending.set(el, fn);
  observer.observe(el);
}
