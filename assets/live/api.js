/*
 * Live session, the requests: one `call` for every /api/session endpoint, and the server's
 * clock as this browser sees it (from `X-Live-Now` on every answer, taken from the quickest
 * round trip), so followers can place the instructor's playback in time.
 *
 *   LossViz.live.api.call(method, path, {token, body, etag}) -> {status, data, etag}
 *   LossViz.live.api.serverNow()                              ms on the server's clock
 *   LossViz.live.api.voter()                                  this browser's anonymous token
 */
(function () {
  "use strict";
  const LossViz = (window.LossViz = window.LossViz || {});
  const live = (LossViz.live = LossViz.live || {});
  const VOTER_KEY = "lossviz.voter";

  const clock = { offset: 0, rtt: Infinity, at: 0 };

  function prefix() {
    const config = document.getElementById("_dash-config");
    try {
      return (config && JSON.parse(config.textContent).requests_pathname_prefix) || "/";
    } catch (error) {
      return "/";
    }
  }

  function url(path) {
    return prefix().replace(/\/$/, "") + path;
  }

  /* Keep the estimate of the quickest recent round trip (a slow one says little). */
  function noteClock(sent, received, serverNow) {
    if (!Number.isFinite(serverNow) || serverNow <= 0) return;
    const rtt = received - sent;
    const stale = received - clock.at > 30000;
    if (rtt <= clock.rtt + 5 || stale) {
      clock.offset = serverNow - (sent + received) / 2;
      clock.rtt = rtt;
      clock.at = received;
    }
  }

  async function call(method, path, { token, body, etag } = {}) {
    const headers = {};
    if (token) headers["X-Live-Token"] = token;
    if (etag) headers["If-None-Match"] = etag;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const sent = Date.now();
    let response;
    try {
      response = await fetch(url(path), {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
        credentials: "same-origin",
      });
    } catch (error) {
      return { status: 0, data: { error: "The server cannot be reached." }, etag: null };
    }
    noteClock(sent, Date.now(), Number(response.headers.get("X-Live-Now")));
    let data = null;
    if (response.status !== 304 && response.status !== 204) {
      try {
        data = await response.json();
      } catch (error) {
        data = null;
      }
    }
    return { status: response.status, data, etag: response.headers.get("ETag") };
  }

  function serverNow() {
    return Date.now() + clock.offset;
  }

  function voter() {
    let token = null;
    try {
      token = window.localStorage.getItem(VOTER_KEY);
      if (!token || !/^[A-Za-z0-9_-]{16,64}$/.test(token)) {
        const bytes = new Uint8Array(16);
        window.crypto.getRandomValues(bytes);
        token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
        window.localStorage.setItem(VOTER_KEY, token);
      }
    } catch (error) {
      token = token || "anonymous-" + Math.random().toString(16).slice(2).padEnd(16, "0");
    }
    return token;
  }

  live.api = { call, serverNow, voter, url };
})();
