// The site's behaviour: sortable tables, the filters of the changes page
// (their state kept in the URL) and search. Every page works without it.
import { initSortable } from "./sort";
import { initFilters } from "./filters";
import { initSearch } from "./search";

function init(): void {
  document.querySelectorAll<HTMLTableElement>("table[data-sortable]").forEach(initSortable);
  document.querySelectorAll<HTMLFormElement>("form[data-filters]").forEach(initFilters);
  document.querySelectorAll<HTMLFormElement>("form[data-search]").forEach(initSearch);
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
