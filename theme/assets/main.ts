// The site's behaviour: sortable tables, the filters of the changes page
// (their state kept in the URL) and search. Every page works without it.
import { initSortable } from "./sort";
import { initFilters } from "./filters";
import { SearchIndex } from "./search/engine";
import { initHeaderSearch } from "./search/dropdown";
import { initSearchPage } from "./search/page";

function init(): void {
  document.querySelectorAll<HTMLTableElement>("table[data-sortable]").forEach(initSortable);
  document.querySelectorAll<HTMLFormElement>("form[data-filters]").forEach(initFilters);
  const root = document.body.dataset.root ?? "";
  // One index per page, shared by the header box and the search page, so
  // each shard is fetched once.
  const index = new SearchIndex(root + "search/");
  document.querySelectorAll<HTMLFormElement>("form.header-search").forEach((f) => initHeaderSearch(f, index, root));
  document.querySelectorAll<HTMLFormElement>("form[data-search]").forEach((f) => initSearchPage(f, index, root));
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
