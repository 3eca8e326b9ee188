// The profile sheet: an inbox and a contact, opened from a conversation; their cards stream in
// one by one, and their action buttons run through the API. The conversation beside it shows
// the activity lines event triggers posted into it, and its Resolve button reports
// conversation.resolved through the API's reportEvent.
import { api, consoleGet, stream } from "./api.js";
import { h, fill } from "./dom.js";
import { activityLine } from "./activity.js";

export function profilePage(ctx, inboxID, contactID) {
  const { config } = ctx;
  const inboxes = config.inboxes || [];
  const contacts = config.contacts || [];
  inboxID = inboxID || (inboxes[0] && inboxes[0].id) || "";
  contactID = contactID || (contacts[0] && contacts[0].id) || "";

  const inboxSel = h("select", { id: "inbox", "aria-label": "Inbox" },
    inboxes.map((i) => h("option", { value: i.id, selected: i.id === inboxID }, i.name)));
  const contactSel = h("select", { id: "contact", "aria-label": "Contact" },
    contacts.map((c) => h("option", { value: c.id, selected: c.id === contactID }, c.name)));
  const open = () => ctx.go(`#/profile/${encodeURIComponent(inboxSel.value)}/${encodeURIComponent(contactSel.value)}`);
  inboxSel.addEventListener("change", open);
  contactSel.addEventListener("change", open);

  const status = h("p.sheet-status", { role: "status", "aria-live": "polite" });
  const list = h("div.cards", { id: "cards", "aria-label": "Integration cards" });
  const refreshAll = h("button.secondary", { type: "button", id: "refresh-all" }, "↻ Refresh all");
  const contact = contacts.find((c) => c.id === contactID);
  const conversation = config.conversation || null; // the thread beside the sheet

  // runAction is what each card calls when the agent runs one of its actions (after the
  // card's own form and confirmation): the API answers the ActionResult the card shows, or a
  // problem (422 with field problems, 428 confirmation_required, 404) the card explains.
  const runAction = ({ integrationId, action, inputs, confirmed }) => api("POST",
    `/inboxes/${encodeURIComponent(inboxID)}/contacts/${encodeURIComponent(contactID)}` +
    `/integrations/${encodeURIComponent(integrationId)}/actions/${encodeURIComponent(action)}`,
    { conversation_id: conversation ? conversation.id : undefined, inputs, confirmed });

  // The thread's activity lines (read from the console's own endpoint: the thread is the
  // host's data) and the Resolve button, which reports the event through the API.
  const activities = h("div.activities", { id: "thread-activities", "aria-label": "Activity", "aria-live": "polite" });
  const resolve = h("button.secondary", { type: "button", id: "resolve" }, "✓ Resolve conversation");
  const resolveStatus = h("span.muted.small", { id: "resolve-status", role: "status" });
  async function loadThread() {
    if (!conversation) return;
    try {
      const res = await consoleGet(`/conversations/${encodeURIComponent(conversation.id)}/messages`);
      fill(activities, res.messages.filter((m) => m.kind === "MINIMAL").map((m) => activityLine(m)));
    } catch (err) {
      fill(activities, h("p.error-text.small", null, "The thread could not be loaded: " + err.message));
    }
  }
  // resolveConversation reports conversation.resolved for the thread. The event's id is the
  // conversation's: the demo conversation is resolved once, so pressing again (a double
  // click, a retry) reports the same event and posts nothing new.
  async function resolveConversation() {
    resolve.disabled = true;
    resolveStatus.textContent = "Resolving…";
    try {
      const res = await api("POST", `/inboxes/${encodeURIComponent(inboxID)}/conversations/${encodeURIComponent(conversation.id)}/events`, {
        id: `evt_resolved_${conversation.id}`, type: "conversation.resolved",
        contact: contact ? { id: contact.id, name: contact.name, email: contact.email || "", phone_number: contact.phone_number || "" } : {},
        conversation: { subject: conversation.subject, status: "resolved" },
        occurred_at: new Date().toISOString(),
      });
      const count = (s) => res.activities.filter((a) => a.status === s).length;
      const parts = [];
      if (count("posted")) parts.push(`${count("posted")} activity posted`);
      if (count("duplicate")) parts.push(`${count("duplicate")} already posted`);
      if (count("not_applicable")) parts.push(`${count("not_applicable")} not applicable`);
      if (count("failed")) parts.push(`${count("failed")} failed: ${res.activities.find((a) => a.status === "failed").error}`);
      resolveStatus.textContent = "Resolved" + (parts.length ? ": " + parts.join(", ") : ": no trigger ran") + ".";
    } catch (err) {
      resolveStatus.textContent = err.code === "temporary"
        ? "Not all activities could be posted yet; press again in a moment (nothing is posted twice)."
        : "The event could not be reported: " + err.message;
    } finally {
      resolve.disabled = false;
    }
    await loadThread();
  }
  resolve.addEventListener("click", resolveConversation);

  ctx.view.append(
    h("div.sheet-layout", null,
      h("section.conversation", { "aria-label": "Conversation" },
        h("div.toolbar", null, h("label", null, "Inbox ", inboxSel), h("label", null, "Contact ", contactSel)),
        h("div.thread", null,
          conversation ? h("div.thread-head", null, h("h2.subject", null, conversation.subject), resolve, resolveStatus) : null,
          h("div.msg.in", null, h("strong", null, contact ? contact.name : ""), h("p", null, "Hi! Where is my order? It was supposed to arrive yesterday.")),
          h("div.msg.out", null, h("strong", null, "You"), h("p", null, "Let me check that for you right away.")),
          activities)),
      h("aside.sheet", { "aria-label": "Contact profile" },
        contact ? h("div.contact", null,
          h("span.avatar", { "aria-hidden": "true" }, initials(contact.name)),
          h("div", null, h("h1", null, contact.name),
            h("p.muted", null, [contact.email || "no email", contact.phone_number].filter(Boolean).join(" · ")))) : null,
        h("div.sheet-head", null, h("h2", null, "External data"), refreshAll),
        status, list)));

  let ctrl = null;
  const elements = new Map(); // integration_id -> <inboxkit-card>

  async function load(refresh, only) {
    if (!only) {
      if (ctrl) ctrl.abort();
      ctrl = new AbortController();
    }
    const signal = only ? undefined : ctrl.signal;
    const q = new URLSearchParams();
    if (refresh) q.set("refresh", "true");
    if (only) q.set("integration_id", only);
    if (conversation) q.set("conversation_id", conversation.id);
    const path = `/inboxes/${encodeURIComponent(inboxID)}/contacts/${encodeURIComponent(contactID)}/profile/stream?${q}`;
    const started = performance.now();
    let arrived = 0;
    if (!only) {
      status.textContent = "Loading…";
      refreshAll.disabled = true;
      for (const el of elements.values()) el.setAttribute("loading", "");
    }
    try {
      await stream(path, (event, data) => {
        if (event === "cards") {
          if (only) return;
          if (!refresh || elements.size === 0) {
            fill(list);
            elements.clear();
            for (const c of data.cards) {
              const el = document.createElement("inboxkit-card");
              el.setAttribute("refreshable", "");
              el.setAttribute("contact", contactID); // the action bar's state belongs to this contact
              el.dataset.integration = c.integration_id;
              el.runAction = runAction;
              el.card = c;
              elements.set(c.integration_id, el);
              list.append(el);
            }
            if (data.cards.length === 0) list.append(h("p.muted.empty-state", null, "No integrations are enabled for this inbox."));
          }
        } else if (event === "card") {
          const el = elements.get(data.card.integration_id);
          if (!el) return;
          el.removeAttribute("loading");
          el.card = data.card;
          arrived++;
          if (!only) status.textContent = `${arrived} card${arrived === 1 ? "" : "s"} loaded…`;
        } else if (event === "done" && !only) {
          status.textContent = `${data.cards} card${data.cards === 1 ? "" : "s"} in ${Math.round(performance.now() - started)} ms`;
        }
      }, signal);
    } catch (err) {
      if (err.name === "AbortError") return;
      status.textContent = "";
      if (only) {
        const el = elements.get(only);
        if (el) {
          el.removeAttribute("loading");
          el.card = { ...el.card, status: "error", error: { category: "", message: err.message } };
        }
      } else {
        fill(list, h("div.error-box", { role: "alert" }, "The profile could not be loaded: " + err.message));
      }
    } finally {
      if (!only) refreshAll.disabled = false;
    }
  }

  list.addEventListener("inboxkit-refresh", (e) => {
    const id = e.detail.integrationId;
    const el = elements.get(id);
    if (!el) return;
    el.setAttribute("loading", "");
    load(true, id);
  });
  refreshAll.addEventListener("click", () => load(true));
  if (inboxID && contactID) load(false);
  loadThread();
  return () => ctrl && ctrl.abort();
}

function initials(name) {
  return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("");
}
