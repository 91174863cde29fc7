// The header's search box: instant results in a dropdown on every page.
// It follows the ARIA combobox pattern: the input keeps focus, arrows move
// the active option, Enter opens it, Escape closes the list; a live region
// says how many records matched.
import type { SearchIndex } from "./engine";
import { searchUnloaded } from "./page";
import { resultContent } from "./results";

const shown = 6;

export function initHeaderSearch(form: HTMLFormElement, index: SearchIndex, root: string): void {
  const input = form.querySelector<HTMLInputElement>("input[name=q]");
  if (!input) return;
  const list = document.createElement("ul");
  list.id = input.id + "-results";
  list.className = "dropdown";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Search results");
  list.hidden = true;
  const status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  form.append(list, status);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);

  let active = -1;
  let exact: string | null = null; // the page of a record whose id is typed exactly
  let generation = 0;

  const options = (): HTMLElement[] => [...list.querySelectorAll<HTMLElement>("[role=option]")];
  // setActive makes option i active, wrapping around the ends.
  const setActive = (i: number): void => {
    const opts = options();
    active = opts.length ? (i + opts.length) % opts.length : -1;
    opts.forEach((o, j) => o.setAttribute("aria-selected", String(j === active)));
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  };
  const clearActive = (): void => {
    active = -1;
    options().forEach((o) => o.setAttribute("aria-selected", "false"));
    input.removeAttribute("aria-activedescendant");
  };
  const close = (): void => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    clearActive();
  };

  const run = async (): Promise<void> => {
    const q = input.value;
    const mine = ++generation;
    if (!q.trim()) {
      list.replaceChildren();
      status.textContent = "";
      exact = null;
      close();
      return;
    }
    let result: Awaited<ReturnType<SearchIndex["search"]>>;
    let docs: Awaited<ReturnType<SearchIndex["docs"]>>;
    try {
      result = await index.search(q);
      docs = await index.docs(result.hits.slice(0, shown));
    } catch (err) {
      // An index that cannot load (file://, a failed fetch, another
      // build's files) says so: an empty box would read as no match.
      if (mine !== generation) return;
      const li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-disabled", "true");
      li.className = "dropdown-all";
      li.textContent = searchUnloaded;
      list.replaceChildren(li);
      status.textContent = searchUnloaded;
      exact = null;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      clearActive();
      throw err;
    }
    if (mine !== generation) return; // a newer query is under way
    const typed = q.trim().toLowerCase();
    exact = docs.find((d) => d.id.toLowerCase() === typed)?.path ?? null;
    list.replaceChildren(
      ...docs.map((doc, i) => {
        const li = document.createElement("li");
        li.id = `${list.id}-${i}`;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        const a = resultContent(doc, root, result.marks, true);
        a.tabIndex = -1;
        li.append(a);
        return li;
      }),
    );
    const n = result.hits.length;
    const all = document.createElement("li");
    all.id = `${list.id}-all`;
    all.setAttribute("role", "option");
    all.setAttribute("aria-selected", "false");
    all.className = "dropdown-all";
    const link = document.createElement("a");
    link.href = `${root}search/?q=${encodeURIComponent(q.trim())}`;
    link.tabIndex = -1;
    link.textContent = n === 0 ? "No change matches. Search page…" : `See all ${n} ${n === 1 ? "result" : "results"} on the search page`;
    all.append(link);
    list.append(all);
    status.textContent = `${n} ${n === 1 ? "change" : "changes"} found`;
    list.dataset.query = q; // what the list shows the results of
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    clearActive();
  };

  let timer = 0;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => void run().catch(console.error), 60);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (list.hidden) return;
      e.preventDefault();
      const next = e.key === "ArrowDown" ? active + 1 : active < 0 ? options().length - 1 : active - 1;
      setActive(next);
    } else if (e.key === "Escape") {
      if (!list.hidden) close();
      else input.value = "";
    }
  });
  // Enter submits the form: it opens the active option or, when an id is
  // typed exactly, that record; otherwise the search page. Handling the
  // submit rather than the key covers every way a browser submits.
  form.addEventListener("submit", (e) => {
    const opt = list.hidden ? undefined : options()[active];
    const href = opt?.querySelector("a")?.href ?? (exact && list.dataset.query === input.value ? root + exact : null);
    if (href) {
      e.preventDefault();
      window.location.href = href;
    }
  });
  input.addEventListener("focus", () => {
    if (list.childElementCount && input.value.trim()) {
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
  });
  form.addEventListener("focusout", (e) => {
    if (!form.contains(e.relatedTarget as Node | null)) close();
  });
  // A click on an option must land before focusout hides the list.
  list.addEventListener("mousedown", (e) => e.preventDefault());
}
