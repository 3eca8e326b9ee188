// The client of inboxkit's HTTP API (package integration/httpapi), mounted at /api.

let token = sessionStorage.getItem("inboxkit-token") || "";

// setUser picks the demo user whose bearer token identifies the requests.
export function setUser(t) {
  token = t;
  sessionStorage.setItem("inboxkit-token", t);
}

export function user() {
  return token;
}

// APIError is an RFC 9457 problem: status, code, detail and the field problems.
export class APIError extends Error {
  constructor(status, body) {
    super((body && (body.detail || body.title)) || `HTTP ${status}`);
    this.status = status;
    this.code = (body && body.code) || "";
    this.problems = (body && Array.isArray(body.problems)) ? body.problems : [];
  }
}

function headers(json) {
  const h = { Accept: "application/json" };
  if (token) h.Authorization = "Bearer " + token;
  if (json) h["Content-Type"] = "application/json";
  return h;
}

// api calls method path (relative to /api) with an optional JSON body and returns the
// decoded JSON answer (null for 204), or throws an APIError.
export function api(method, path, body, signal) {
  return request(method, "/api" + path, body, signal);
}

// consoleGet reads one of the console's own endpoints (not the API), such as the demo
// thread's messages at /console/..., as the signed-in user.
export function consoleGet(path, signal) {
  return request("GET", "/console" + path, undefined, signal);
}

async function request(method, url, body, signal) {
  const res = await fetch(url, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) throw new APIError(res.status, data);
  return data;
}

// stream reads the Server-Sent Events of path and calls on(event, data) for each. It uses
// fetch, not EventSource, so that the request carries the Authorization header.
export async function stream(path, on, signal) {
  const res = await fetch("/api" + path, { headers: { ...headers(false), Accept: "text/event-stream" }, signal });
  if (!res.ok) {
    let body = null;
    try {
      body = await res.json();
    } catch {
      body = null;
    }
    throw new APIError(res.status, body);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let i;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let event = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith(":")) continue; // heartbeat
        if (line.startsWith("event:")) event = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
      }
      if (data.length) on(event, JSON.parse(data.join("\n")));
    }
  }
}
