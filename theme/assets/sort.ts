// Sortable tables: each th[data-sort] becomes a button; cells sort by
// their data-value when they have one, else by their text.

type Direction = "ascending" | "descending";

function cellValue(row: HTMLTableRowElement, column: number): string {
  const cell = row.cells[column];
  if (!cell) return "";
  return cell.dataset.value ?? cell.textContent?.trim() ?? "";
}

function compare(a: string, b: string, numeric: boolean): number {
  if (numeric) return Number(a) - Number(b);
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
}

export function initSortable(table: HTMLTableElement): void {
  const headers = Array.from(table.querySelectorAll<HTMLTableCellElement>("thead th[data-sort]"));
  headers.forEach((th) => {
    const column = th.cellIndex;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent ?? "";
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", () => {
      const current = th.getAttribute("aria-sort") as Direction | null;
      const direction: Direction = current === "ascending" ? "descending" : "ascending";
      headers.forEach((h) => h.removeAttribute("aria-sort"));
      th.setAttribute("aria-sort", direction);
      const kind = th.dataset.sort ?? "text";
      const numeric = kind !== "text";
      const body = table.tBodies[0];
      if (!body) return;
      const rows = Array.from(body.rows);
      rows.sort((a, b) => {
        const order = compare(cellValue(a, column), cellValue(b, column), numeric);
        return direction === "ascending" ? order : -order;
      });
      rows.forEach((r) => body.appendChild(r));
    });
  });
}
