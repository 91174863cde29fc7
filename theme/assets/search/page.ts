// The search page: results with snippets, facets with counts, and the
// whole state in the URL (/search/?q=rotate+keys&status=documented), so a
// result list can be shared.
import { facetNames, none, type FacetName, type Filters, type SearchIndex } from "./engine";
import { resultContent } from "./results";

const pageSize = 20;

// How the search page names the value of an empty field.
const noneLabels: Partial<Record<FacetName, string>> = { level: "no risks", year: "not requested" };

const facetLabels: Record<FacetName, string> = {
  status: "Status",
  type: "Type",
  system: "System",
  level: "Highest risk",
  year: "Year",
};

/** What the search page says when its index cannot be fetched. */
export const searchUnloaded = "The search index could not be loaded: no results can be shown.";

export function initSearchPage(form: HTMLFormElement, index: SearchIndex, root: string): void {
  const input = form.querySelector<HTMLInputElement>("input[name=q]");
  const list = document.querySelector<HTMLOListElement>("[data-search-results]");
  const count = document.querySelector<HTMLElement>("[data-search-count]");
  const facetBox = document.querySelector<HTMLElement>("[data-search-facets]");
  const more = document.querySelector<HTMLButtonElement>("[data-search-more]");
  if (!input || !list || !count || !facetBox || !more) return;

  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") ?? "";
  const filters: Filters = {};
  for (const f of facetNames) filters[f] = params.get(f) ?? "";

  const selects = {} as Record<FacetName, HTMLSelectElement>;
  for (const f of facetNames) {
    const wrap = document.createElement("div");
    wrap.className = "filter";
    const label = document.createElement("label");
    label.htmlFor = `facet-${f}`;
    label.textContent = facetLabels[f];
    const select = document.createElement("select");
    select.id = `facet-${f}`;
    select.name = f;
    select.addEventListener("change", () => {
      filters[f] = select.value;
      start();
    });
    selects[f] = select;
    wrap.append(label, select);
    facetBox.append(wrap);
  }

  let hits: number[] = [];
  let marks: string[] = [];
  let shownCount = 0;
  let generation = 0;

  const writeURL = (): void => {
    const p = new URLSearchParams();
    if (input.value.trim()) p.set("q", input.value.trim());
    for (const f of facetNames) if (filters[f]) p.set(f, filters[f] ?? "");
    const s = p.toString();
    window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : ""));
  };

  const showMore = async (): Promise<void> => {
    const next = hits.slice(shownCount, shownCount + pageSize);
    const docs = await index.docs(next);
    for (const doc of docs) {
      const li = document.createElement("li");
      li.append(resultContent(doc, root, marks, true));
      list.append(li);
    }
    shownCount += next.length;
    more.hidden = shownCount >= hits.length;
  };

  const run = async (): Promise<void> => {
    const mine = ++generation;
    writeURL();
    const q = input.value;
    const result = await index.search(q, filters, true);
    if (mine !== generation) return;
    hits = q.trim() ? result.hits : [];
    marks = result.marks;
    const values = await index.facetValues();
    for (const f of facetNames) {
      const counts = result.counts?.[f];
      const any = new Option("Any", "");
      const opts = values[f].map((v) => {
        const n = counts?.get(v) ?? 0;
        const label = v === none ? (noneLabels[f] ?? v) : v;
        const o = new Option(q.trim() ? `${label} (${n})` : label, v);
        o.disabled = q.trim() !== "" && n === 0 && v !== filters[f];
        return o;
      });
      selects[f].replaceChildren(any, ...opts);
      selects[f].value = filters[f] ?? "";
    }
    list.replaceChildren();
    shownCount = 0;
    if (!q.trim()) {
      count.textContent = "";
      more.hidden = true;
      return;
    }
    count.textContent = `${hits.length} ${hits.length === 1 ? "change" : "changes"} found`;
    await showMore();
  };

  // No index (file://, an HTTP error, a page open across a redeploy, a
  // format this script does not know): say so, rather than find nothing.
  const failed = (e: unknown): void => {
    console.error(e);
    list.replaceChildren();
    more.hidden = true;
    count.textContent = searchUnloaded;
  };
  const start = (): void => void run().catch(failed);

  // /search/?q=CHG-0042, from a box whose dropdown did not get to jump:
  // go straight to the record.
  const jump = async (): Promise<boolean> => {
    const typed = input.value.trim().toLowerCase();
    if (!typed) return false;
    const result = await index.search(input.value);
    const [first] = await index.docs(result.hits.slice(0, 1));
    if (first && first.id.toLowerCase() === typed) {
      window.location.replace(root + first.path);
      return true;
    }
    return false;
  };

  let timer = 0;
  input.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(start, 60);
  });
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void jump()
      .then((jumped) => (jumped ? undefined : run()))
      .catch(failed);
  });
  more.addEventListener("click", () => void showMore().catch(failed));
  void jump()
    .then((jumped) => (jumped ? undefined : run()))
    .catch(failed);
}
