// The site's behaviour: the lists' filters and sorting over all their rows
// (their state kept in the URL), sortable small tables, and search. Every
// page works without it.
import { initSortable } from "./sort";
import { initList } from "./lists";
import { ListData } from "./listdata";
import { SearchIndex } from "./search/engine";
import { initHeaderSearch } from "./search/dropdown";
import { initSearchPage } from "./search/page";
import { initCalendar } from "./calendar";

function init(): void {
  const root = document.body.dataset.root ?? "";
  // One data layer per list and page, shared by the list's table, the
  // header box and the search page, so each file is fetched once.
  const lists = new Map<string, ListData>();
  const list = (name: string): ListData => {
    let l = lists.get(name);
    if (!l) {
      l = new ListData(`${root}data/${name}/`);
      lists.set(name, l);
    }
    return l;
  };
  // A table of a list's rows is filtered and sorted over all its rows
  // (lists.ts); another sortable table sorts its own rows (sort.ts).
  document.querySelectorAll<HTMLTableElement>("table[data-sortable]:not([data-list])").forEach(initSortable);
  document.querySelectorAll<HTMLTableElement>("table[data-list]").forEach((t) => initList(t, list(t.dataset.list ?? ""), root));
  const index = new SearchIndex(root + "search/", list("changes"));
  document.querySelectorAll<HTMLFormElement>("form.header-search").forEach((f) => initHeaderSearch(f, index, root));
  document.querySelectorAll<HTMLFormElement>("form[data-search]").forEach((f) => initSearchPage(f, index, root));
  document.querySelectorAll<HTMLFormElement>("form[data-calendar-filters]").forEach(initCalendar);
  document.addEventListener("keydown", (e) => {
    // "/" focuses the header search box, as on most documentation sites.
    const target = e.target as HTMLElement;
    if (e.key === "/" && !/^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) {
      const box = document.getElementById("header-q") as HTMLInputElement | null;
      if (box) {
        e.preventDefault();
        box.focus();
      }
    }
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
