// The editor's Triggers tab: conversation events on which the integration runs and posts a
// one-line activity into the conversation ("Order #1001 shipped — $42.00"). The text and the
// link bind the response as display templates do, with their formatting filters
// ({{ total | currency:"USD" }}). Each trigger has a name, unique in the integration, which keys
// the lines it posts (integration.ActivityKey): triggers may be reordered or removed between
// two reports of an event without posting a line twice, and a renamed trigger posts anew. Every
// input names its JSON pointer (/triggers/0/text) in data-pointer, where the API's problems are
// shown after a save.
import { h, fill } from "./dom.js";

// The events a trigger may run on (integration.EventTypes), in the API's order.
const EVENTS = [
  ["conversation.created", "Conversation created"],
  ["conversation.resolved", "Conversation resolved"],
  ["conversation.reopened", "Conversation reopened"],
  ["conversation.label_added", "Label added"],
  ["conversation.assigned", "Conversation assigned"],
];
const MAX_TRIGGERS = 5; // integration.MaxTriggers
const NAME_PATTERN = "[a-z][a-z0-9_]{0,31}"; // integration.Trigger.Name, as for steps and actions

// freeName returns the first of trigger_1, trigger_2... no trigger of triggers has.
function freeName(triggers) {
  const taken = new Set(triggers.map((t) => t.name));
  let n = 1;
  while (taken.has(`trigger_${n}`)) n++;
  return `trigger_${n}`;
}
// Snippets the buttons insert at the cursor: a binding and the formatting filters.
const SNIPPETS = ['{{ PATH }}', '{{ PATH | currency:"USD" }}', '{{ PATH | number }}', '{{ PATH | date }}', '{{ PATH | default:"–" }}'];

// triggersEditor edits the triggers of the draft integration get() returns; lastField(input)
// tells the editor which text field the snippet buttons insert into, insert(text) inserts at
// its cursor.
export function triggersEditor(get, { lastField, insert }) {
  const root = h("div.triggers-editor", { id: "triggers-editor" });

  function draw() {
    const draft = get();
    const triggers = draft.triggers || [];
    const list = h("ol.trigger-list", { "aria-label": "Triggers" });
    triggers.forEach((t, i) => list.append(trigger(t, i)));
    const add = h("button.secondary", { type: "button", id: "add-trigger", disabled: triggers.length >= MAX_TRIGGERS }, "+ Add trigger");
    add.addEventListener("click", () => {
      const ts = (draft.triggers ||= []);
      ts.push({ name: freeName(ts), on: "conversation.resolved", text: "" });
      draw();
      const texts = root.querySelectorAll(".trigger-item textarea");
      texts[texts.length - 1].focus();
    });
    fill(root,
      h("p.hint", null, "When the helpdesk reports one of these events, the integration runs for the conversation's contact (cached responses are reused) and each trigger posts one line into the conversation, exactly once per event. ",
        "Bind the response as in the template, e.g. ", h("code", null, "Order #{{order.id}} — {{order.total | currency:\"USD\"}}"),
        ". The Testing tab shows the lines a live run would post."),
      list, add);
  }

  // input is an input (or textarea) bound to t[key] at pointer ptr.
  function input(label, t, key, ptr, attrs = {}) {
    const id = "tr" + ptr.replaceAll("/", "-");
    const el = h(attrs.multiline ? "textarea" : "input", {
      id, value: t[key] ?? "", placeholder: attrs.placeholder, spellcheck: "false", rows: attrs.multiline ? "2" : undefined,
      pattern: attrs.pattern, maxlength: attrs.maxlength, required: attrs.required,
      dataset: { pointer: ptr },
    });
    el.addEventListener("input", () => {
      if (el.value === "" && !attrs.required) delete t[key];
      else t[key] = el.value;
    });
    el.addEventListener("focus", () => lastField(el));
    return h("div.field", null, h("label", { for: id }, label), el, attrs.hint ? h("p.hint", null, attrs.hint) : null);
  }

  function trigger(t, i) {
    const ptr = `/triggers/${i}`;
    const on = h("select", { id: `tr-triggers-${i}-on`, dataset: { pointer: `${ptr}/on` } },
      EVENTS.map(([v, label]) => h("option", { value: v, selected: t.on === v }, label)));
    const label = input("Label", t, "label", `${ptr}/label`, { placeholder: "vip", hint: "Only when this label is added (any case); empty means any label." });
    const showLabel = () => { label.hidden = t.on !== "conversation.label_added"; };
    on.addEventListener("change", () => {
      t.on = on.value;
      if (t.on !== "conversation.label_added") {
        delete t.label;
        label.querySelector("input").value = "";
      }
      showLabel();
    });
    showLabel();
    const rm = h("button.small.danger", { type: "button", "aria-label": `Remove trigger ${i + 1}` }, "Remove trigger");
    rm.addEventListener("click", () => {
      const d = get();
      d.triggers.splice(i, 1);
      if (!d.triggers.length) delete d.triggers;
      draw();
    });
    const chips = h("div.var-chips", { "aria-label": "Insert a binding" }, h("span.muted.small", null, "Insert: "),
      SNIPPETS.map((s) => {
        const b = h("button.var", { type: "button" }, s);
        b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the field's cursor
        b.addEventListener("click", () => insert(s));
        return b;
      }));
    return h("li.trigger-item", null, h("fieldset.group", { dataset: { pointer: ptr } },
      h("legend", null, `Trigger ${i + 1}`),
      h("div.row", null,
        input("Name", t, "name", `${ptr}/name`, { placeholder: "order_shipped", pattern: NAME_PATTERN, maxlength: "32", required: true,
          hint: "Lower-case letters, digits and _. It identifies the lines this trigger posts: keep it when you reorder triggers; a new name posts anew." }),
        h("div.field", null, h("label", { for: `tr-triggers-${i}-on` }, "On"), on),
        label),
      input("Activity text", t, "text", `${ptr}/text`, { required: true, multiline: true, placeholder: 'Order #{{order.number}} {{order.status}} — {{order.total | currency:"USD"}}',
        hint: "One line, at most 500 characters once rendered; values are cleaned and formatted as on the card." }),
      chips,
      h("div.row", null,
        input("Link", t, "link", `${ptr}/link`, { placeholder: "https://shop.example.com/orders/{{order.number}}",
          hint: "Optional: http(s), or one binding holding a whole URL ({{order.url}})." }),
        input("Icon", t, "icon", `${ptr}/icon`, { placeholder: "truck", hint: "Optional: a name for the timeline (letters, digits, _ - . :)." })),
      h("div.toolbar", null, rm)));
  }

  draw();
  return root;
}
