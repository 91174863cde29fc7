// The calendar's filters: by system (rows), type and conflicts (bars and
// the list of windows), kept in the URL so a filtered view can be shared.
// Without JavaScript the calendar shows everything.

export function initCalendar(form: HTMLFormElement): void {
  const calendar = document.querySelector<HTMLElement>("[data-calendar]");
  if (!calendar) return;
  const count = form.querySelector<HTMLOutputElement>("[data-calendar-count]");
  const system = form.elements.namedItem("system") as HTMLSelectElement;
  const type = form.elements.namedItem("type") as HTMLSelectElement;
  const conflicts = form.elements.namedItem("conflicts") as HTMLInputElement;

  const params = new URLSearchParams(location.search);
  const choose = (select: HTMLSelectElement, value: string | null): void => {
    if (value && Array.from(select.options).some((o) => o.value === value)) select.value = value;
  };
  choose(system, params.get("system"));
  choose(type, params.get("type"));
  conflicts.checked = params.get("conflicts") === "1";

  const apply = (): void => {
    const bar = (el: HTMLElement | SVGElement): boolean =>
      (type.value === "" || el.dataset.type === type.value) && (!conflicts.checked || el.dataset.conflict === "1");
    calendar.querySelectorAll<HTMLElement>(".cal-row[data-system]").forEach((row) => {
      row.classList.toggle("is-filtered", system.value !== "" && row.dataset.system !== system.value);
    });
    calendar.querySelectorAll<SVGAElement>(".cal-bar").forEach((a) => a.classList.toggle("is-filtered", !bar(a)));
    let shown = 0;
    document.querySelectorAll<HTMLLIElement>(".cal-list > li").forEach((li) => {
      const systems = (li.dataset.systems ?? "").split(", ");
      const hide = !bar(li) || (system.value !== "" && !systems.includes(system.value));
      li.classList.toggle("is-filtered", hide);
      if (!hide) shown++;
    });
    if (count) count.value = `${shown} ${shown === 1 ? "window" : "windows"}`;
    const next = new URLSearchParams();
    if (system.value) next.set("system", system.value);
    if (type.value) next.set("type", type.value);
    if (conflicts.checked) next.set("conflicts", "1");
    const query = next.toString();
    history.replaceState(null, "", query ? `?${query}` : location.pathname);
  };
  form.addEventListener("change", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  form.hidden = false;
  apply();
}
