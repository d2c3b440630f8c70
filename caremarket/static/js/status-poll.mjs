// While a file is checked or imported, the page asks for itself every few seconds instead of
// refreshing itself (a refresh moves a screen reader back to the top and can lose the person's
// place, WCAG 2.2.1). When the work is done the new result replaces the old one in place and
// the live region says so; until then only the part that changes (rows read so far) is updated.
const INTERVAL_MS = 3000;

const poll = document.querySelector("[data-status-poll]");
if (poll) {
  const live = document.querySelector("[data-status-live]");
  const check = async () => {
    let fresh;
    try {
      const response = await fetch(window.location.href, {
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch" },
      });
      if (!response.ok) throw new Error(`status ${response.status}`);
      fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch {
      window.setTimeout(check, INTERVAL_MS);
      return;
    }
    const region = document.querySelector("[data-status-region]");
    const next = fresh.querySelector("[data-status-region]");
    if (region && next) region.replaceWith(document.importNode(next, true));
    if (fresh.querySelector("[data-status-poll]")) {
      window.setTimeout(check, INTERVAL_MS);
      return;
    }
    const said = fresh.querySelector("[data-status-live]");
    if (live && said) {
      live.className = said.className;
      live.textContent = said.textContent;
    }
    document.title = fresh.title;
  };
  window.setTimeout(check, INTERVAL_MS);
}
