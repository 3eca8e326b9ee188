// The integrations list of the team and the cards of each inbox: attach, detach, enable,
// disable and reorder (drag, or Alt+Arrow keys).
import { api } from "./api.js";
import { h, fill, toast, sortable, move } from "./dom.js";

export function integrationsPage(ctx) {
  const inboxes = ctx.config.inboxes || [];
  const table = h("tbody");
  const attachedList = h("ol.attached", { id: "attached", "aria-label": "Cards of the inbox, in order" });
  const attachSel = h("select", { id: "attach-select", "aria-label": "Integration to attach" });
  const inboxSel = h("select", { id: "attach-inbox", "aria-label": "Inbox" },
    inboxes.map((i) => h("option", { value: i.id }, i.name)));
  const attachBtn = h("button.secondary", { type: "button", id: "attach" }, "Attach");
  const allAttached = h("span.muted.small", { hidden: true }, "Every team integration is attached.");
  let all = [];

  ctx.view.append(
    h("div.page-head", null,
      h("h1", null, "Integrations"),
      h("a.button.primary", { href: "#/integrations/new", id: "new-integration" }, "New integration")),
    h("div.two-col", null,
      h("section.panel", { "aria-labelledby": "team-h" },
        h("h2", { id: "team-h" }, "Team integrations"),
        h("table.list", null,
          h("thead", null, h("tr", null, h("th", null, "Name"), h("th", null, "Request"), h("th", null, "Cache"), h("th", null, "Status"), h("th", null, h("span.sr-only", null, "Actions")))),
          table)),
      h("section.panel", { "aria-labelledby": "inbox-h" },
        h("h2", { id: "inbox-h" }, "Cards of an inbox"),
        h("div.toolbar", null, h("label", null, "Inbox ", inboxSel)),
        h("p.muted.small", null, "Drag to reorder (or focus a row and press Alt+↑/↓). Agents see the cards in this order."),
        attachedList,
        h("div.toolbar", null, attachSel, attachBtn, allAttached))));

  async function loadTeam() {
    try {
      all = (await api("GET", "/integrations")).integrations || [];
    } catch (err) {
      fill(table, h("tr", null, h("td", { colspan: 5 }, h("span.error-text", null, err.message))));
      return;
    }
    fill(table, all.length ? all.map(row) : h("tr", null, h("td", { colspan: 5, class: "muted" }, "No integrations yet.")));
    await loadInbox();
  }

  function row(it) {
    const del = h("button.danger.small", { type: "button", "aria-label": `Delete ${it.name}` }, "Delete");
    del.addEventListener("click", async () => {
      if (!confirm(`Delete "${it.name}"? It disappears from every inbox.`)) return;
      try {
        await api("DELETE", `/integrations/${encodeURIComponent(it.id)}`);
        toast(`Deleted ${it.name}`);
        loadTeam();
      } catch (err) {
        toast(err.message, "error");
      }
    });
    return h("tr", { dataset: { id: it.id } },
      h("td", null, h("a", { href: `#/integrations/${encodeURIComponent(it.id)}` }, it.name),
        it.description ? h("div.muted.small", null, it.description) : null),
      h("td", null, h("code.method", null, it.method || "GET"), " ", h("code.url", null, it.url)),
      h("td.nowrap", null, it.cache_minutes ? `${it.cache_minutes} min` : "off"),
      h("td", null, h("span.pill." + (it.active ? "on" : "off"), null, it.active ? "Active" : "Inactive")),
      h("td.actions", null, h("a.button.small", { href: `#/integrations/${encodeURIComponent(it.id)}` }, "Edit"), del));
  }

  async function loadInbox() {
    const inbox = inboxSel.value;
    if (!inbox) return;
    let list;
    try {
      list = (await api("GET", `/inboxes/${encodeURIComponent(inbox)}/integrations`)).attachments || [];
    } catch (err) {
      fill(attachedList, h("li.error-text", null, err.message));
      return;
    }
    showAttached(list);
  }

  function showAttached(list) {
    const inbox = inboxSel.value;
    fill(attachedList, list.map((a) => {
      const id = a.attachment.integration_id;
      const enabled = h("input", { type: "checkbox", checked: a.attachment.enabled, "aria-label": `Show ${a.integration.name} to agents` });
      enabled.addEventListener("change", async () => {
        try {
          showAttached((await api("PUT", `/inboxes/${encodeURIComponent(inbox)}/integrations/${encodeURIComponent(id)}/enabled`, { enabled: enabled.checked })).attachments);
        } catch (err) {
          toast(err.message, "error");
          enabled.checked = !enabled.checked;
        }
      });
      const detach = h("button.small", { type: "button", "aria-label": `Detach ${a.integration.name}` }, "Detach");
      detach.addEventListener("click", async () => {
        try {
          showAttached((await api("DELETE", `/inboxes/${encodeURIComponent(inbox)}/integrations/${encodeURIComponent(id)}`)).attachments);
        } catch (err) {
          toast(err.message, "error");
        }
      });
      return h("li", { draggable: "true", tabindex: "0", dataset: { id } },
        h("span.grip", { "aria-hidden": "true" }, "⠿"),
        h("span.name", null, a.integration.name),
        h("label.switch", null, enabled, a.attachment.enabled ? "Enabled" : "Disabled"),
        detach);
    }));
    if (list.length === 0) attachedList.append(h("li.muted", null, "No integrations attached."));
    const attached = new Set(list.map((a) => a.attachment.integration_id));
    const rest = all.filter((i) => !attached.has(i.id));
    fill(attachSel, rest.map((i) => h("option", { value: i.id }, i.name)));
    attachSel.hidden = attachBtn.hidden = rest.length === 0;
    allAttached.hidden = rest.length !== 0;
    attachedList.dataset.order = JSON.stringify(list.map((a) => a.attachment.integration_id));
  }

  sortable(attachedList, async (from, to) => {
    const ids = move(JSON.parse(attachedList.dataset.order || "[]"), from, to);
    try {
      showAttached((await api("PUT", `/inboxes/${encodeURIComponent(inboxSel.value)}/card-order`, { integration_ids: ids })).attachments);
      const moved = attachedList.children[to];
      if (moved) moved.focus();
    } catch (err) {
      toast(err.message, "error");
    }
  });
  attachBtn.addEventListener("click", async () => {
    if (!attachSel.value) return;
    try {
      showAttached((await api("PUT", `/inboxes/${encodeURIComponent(inboxSel.value)}/integrations/${encodeURIComponent(attachSel.value)}`, {})).attachments);
    } catch (err) {
      toast(err.message, "error");
    }
  });
  inboxSel.addEventListener("change", loadInbox);
  loadTeam();
  return null;
}
