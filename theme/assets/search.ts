// Search over search.json: every word of the query must appear in a
// change's id, title, type, status, systems, tags or signers. The full-text
// engine with ranking comes later; this finds any record by its name.

interface ChangeSummary {
  id: string;
  title: string;
  type: string;
  status: string;
  systems: string[];
  tags?: string[];
  people?: string[];
  url: string;
}

function haystack(c: ChangeSummary): string {
  return [c.id, c.title, c.type, c.status, ...c.systems, ...(c.tags ?? []), ...(c.people ?? [])].join(" ").toLowerCase();
}

export function initSearch(form: HTMLFormElement): void {
  const input = form.querySelector<HTMLInputElement>("input[name=q]");
  const list = document.querySelector<HTMLOListElement>("[data-search-results]");
  const count = document.querySelector<HTMLElement>("[data-search-count]");
  const root = document.body.dataset.root ?? "";
  if (!input || !list) return;

  let changes: ChangeSummary[] | null = null;
  const load = async (): Promise<ChangeSummary[]> => {
    if (changes) return changes;
    const response = await fetch(root + "search.json");
    changes = (await response.json()) as ChangeSummary[];
    return changes;
  };

  const run = async (): Promise<void> => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    const params = new URLSearchParams(window.location.search);
    if (input.value) params.set("q", input.value);
    else params.delete("q");
    window.history.replaceState(null, "", window.location.pathname + (params.toString() ? "?" + params : ""));
    list.replaceChildren();
    if (words.length === 0) {
      if (count) count.textContent = "";
      return;
    }
    const all = await load();
    const found = all.filter((c) => {
      const text = haystack(c);
      return words.every((w) => text.includes(w));
    });
    for (const c of found) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = root + c.url;
      a.textContent = `${c.id} ${c.title}`;
      const meta = document.createElement("span");
      meta.className = "muted";
      meta.textContent = ` ${c.status} · ${c.systems.join(", ")}`;
      li.append(a, meta);
      list.appendChild(li);
    }
    if (count) count.textContent = `${found.length} ${found.length === 1 ? "change" : "changes"} found`;
  };

  input.value = new URLSearchParams(window.location.search).get("q") ?? "";
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void run();
  });
  input.addEventListener("input", () => void run());
  if (input.value) void run();
}
